"""Alembic revisions build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import inspect, text

from lms import cli, create_app, migrate
from lms.cohorts import services as cohorts
from lms.db import Base, db_session, get_engine, make_engine
from tests.conftest import TEST_DATABASE_URL, is_postgres
from tests.operations.activity import publish_small_course, record_learner, row_counts

SCHEMA = "lms_migration_test"


def _sqlite_url(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"


def _postgres_url() -> Iterator[str]:
    """An empty schema of its own in the test database, so the shared tables stay untouched."""
    assert TEST_DATABASE_URL is not None
    admin = make_engine(TEST_DATABASE_URL)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    separator = "&" if "?" in TEST_DATABASE_URL else "?"
    yield f"{TEST_DATABASE_URL}{separator}options={quote(f'-csearch_path={SCHEMA}')}"
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app whose database has no tables at all."""
    if request.param == "postgresql" and not is_postgres():
        pytest.skip("set LMS_TEST_DATABASE_URL to a PostgreSQL database")
    urls = _sqlite_url(tmp_path) if request.param == "sqlite" else _postgres_url()
    url = next(urls)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)})
    yield app
    get_engine(app).dispose()
    next(urls, None)


def _differences(app: Flask) -> list[Any]:
    with get_engine(app).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def test_upgrade_to_head_matches_the_models(empty_database: Flask) -> None:
    migrate.upgrade(empty_database)
    assert migrate.current_revision(empty_database) == migrate.head_revision()
    differences = _differences(empty_database)
    assert differences == [], (
        "The migrations do not produce the models' schema. Write a revision for the change: "
        "`lms db revision -m 'what changed'` (see docs/development.md).\n"
        + "\n".join(map(str, differences))
    )


def test_downgrade_to_base_and_upgrade_again(empty_database: Flask) -> None:
    migrate.upgrade(empty_database)
    migrate.downgrade(empty_database, "base")
    tables = set(inspect(get_engine(empty_database)).get_table_names())
    assert tables <= {"alembic_version"}
    migrate.upgrade(empty_database)
    assert _differences(empty_database) == []


def test_upgrade_twice_is_harmless(empty_database: Flask) -> None:
    migrate.upgrade(empty_database)
    migrate.upgrade(empty_database)
    assert migrate.current_revision(empty_database) == migrate.head_revision()


def test_revisions_are_numbered_in_order() -> None:
    versions = sorted(p.name for p in (migrate.MIGRATIONS / "versions").glob("[0-9]*.py"))
    assert versions, "no revisions"
    numbers = [int(name[:4]) for name in versions]
    assert numbers == list(range(1, len(numbers) + 1))


def _schema(app: Flask) -> set[str]:
    """Every table and "table.column" of the app's database, Alembic's own table left out."""
    inspector = inspect(get_engine(app))
    names: set[str] = set()
    for table in set(inspector.get_table_names()) - {"alembic_version"}:
        names.add(table)
        names.update(f"{table}.{column['name']}" for column in inspector.get_columns(table))
    return names


def _dropped(before: set[str], after: set[str]) -> set[str]:
    """Dropped tables, and dropped columns of the tables that remain."""
    gone = before - after
    tables = {name for name in gone if "." not in name}
    return tables | {name for name in gone if name.partition(".")[0] not in tables}


def test_every_downgrade_declares_exactly_what_it_drops(empty_database: Flask) -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    for step in reversed(list(script.walk_revisions())):
        migrate.upgrade(empty_database, step.revision)
        before = _schema(empty_database)
        migrate.downgrade(empty_database, "-1")
        dropped = _dropped(before, _schema(empty_database))
        declared = migrate.declared_drops(step.revision)
        assert declared is not None, f"{step.path} has no DROPS: list what downgrade() drops"
        assert set(declared) == dropped, (
            f"DROPS in {step.path} must name exactly what downgrade() drops: {sorted(dropped)}"
        )
        migrate.upgrade(empty_database, step.revision)


def test_downgrade_refuses_to_drop_attempts(empty_database: Flask) -> None:
    migrate.upgrade(empty_database)
    version_id = publish_small_course(empty_database)
    record_learner(empty_database, version_id, 1)
    record_learner(empty_database, version_id, 2)

    with pytest.raises(migrate.DataWouldBeLost) as refused:
        migrate.downgrade(empty_database, "base")
    message = str(refused.value)
    for held in ("users (2 rows)", "quiz_attempts (2 rows)", "course_versions (1 row)"):
        assert held in message
    assert "--force" in message and "lms backup" in message
    assert migrate.current_revision(empty_database) == migrate.head_revision()
    with get_engine(empty_database).connect() as connection:
        assert row_counts(connection)["quiz_attempts"] == 2

    dropped = migrate.downgrade(empty_database, "base", force=True)
    assert {loss.name for loss in dropped} >= {"users", "quiz_attempts", "check_answers"}
    assert set(inspect(get_engine(empty_database)).get_table_names()) <= {"alembic_version"}


def test_downgrade_of_columns_left_at_their_default_needs_no_force(empty_database: Flask) -> None:
    migrate.upgrade(empty_database)
    with empty_database.app_context():
        cohorts.create_cohort(db_session(), "Edición 2027")
        db_session().commit()
    migrate.downgrade(empty_database, "0005")
    assert migrate.current_revision(empty_database) == "0005"


def test_downgrade_refuses_to_drop_a_changed_column(empty_database: Flask) -> None:
    migrate.upgrade(empty_database)
    with empty_database.app_context():
        cohort = cohorts.create_cohort(db_session(), "Edición 2027")
        cohort.timezone = "America/Lima"
        db_session().commit()
    with pytest.raises(migrate.DataWouldBeLost, match=r"cohorts\.timezone \(1 row\)"):
        migrate.downgrade(empty_database, "0005")
    assert migrate.current_revision(empty_database) == migrate.head_revision()


def test_db_downgrade_command_names_the_data_and_the_flag(
    empty_database: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrate.upgrade(empty_database)
    record_learner(empty_database, publish_small_course(empty_database), 1)
    monkeypatch.setenv("DATABASE_URL", empty_database.config["DATABASE_URL"])
    monkeypatch.setenv("SECRET_KEY", "x")

    refused = CliRunner().invoke(cli.main, ["db", "downgrade", "--revision", "base"])
    assert refused.exit_code == 1
    assert "Downgrading to base would drop data: " in refused.output
    for held in ("users (1 row)", "quiz_attempts (1 row)", "content_files (6 rows)", "--force"):
        assert held in refused.output

    forced = CliRunner().invoke(cli.main, ["db", "downgrade", "--revision", "base", "--force"])
    assert forced.exit_code == 0, forced.output
    assert "Dropped quiz_attempts (1 row)." in forced.output
    assert "The database is at revision base." in forced.output
