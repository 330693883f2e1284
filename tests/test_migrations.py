"""Alembic revisions build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect, text

from lms import create_app, migrate
from lms.db import Base, get_engine, make_engine
from tests.conftest import TEST_DATABASE_URL, is_postgres

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
