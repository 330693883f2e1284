"""`lms backup` and `lms restore`: one consistent file while learners keep submitting quizzes."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import make_url, text

from lms import backup as backups
from lms import cli, create_app, migrate
from lms.db import get_engine, make_engine
from tests.conftest import TEST_DATABASE_URL, is_postgres
from tests.operations.activity import (
    inconsistencies,
    publish_small_course,
    record_learner,
    row_counts,
)

# Long enough for any healthy run; reached only if the writer thread died.
PATIENCE = 120.0

MakeApp = Callable[[], Flask]


def _postgres_databases() -> Iterator[Callable[[], str]]:
    """Make fresh databases on the test server (named after the test database); drop them."""
    assert TEST_DATABASE_URL is not None
    server = make_url(TEST_DATABASE_URL)
    admin = make_engine(server.set(database="postgres").render_as_string(hide_password=False))
    admin = admin.execution_options(isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def make() -> str:
        name = f"{server.database}_backup_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return server.set(database=name).render_as_string(hide_password=False)

    yield make
    with admin.connect() as connection:
        for name in made:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def make_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeApp]:
    """Return a function making an app on a new, empty database of the parametrized kind."""
    if request.param == "postgresql" and not is_postgres():
        pytest.skip("set LMS_TEST_DATABASE_URL to a PostgreSQL database")
    databases = _postgres_databases() if request.param == "postgresql" else None
    new_database = next(databases) if databases is not None else None
    apps: list[Flask] = []

    def make() -> Flask:
        number = len(apps)
        url = new_database() if new_database else f"sqlite:///{tmp_path / f'db{number}.sqlite3'}"
        folder = tmp_path / f"instance{number}"
        apps.append(create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "INSTANCE_PATH": folder}))
        return apps[-1]

    yield make
    for app in apps:
        get_engine(app).dispose()
    if databases is not None:
        next(databases, None)


def _populated(make_app: MakeApp, learners: int = 3) -> tuple[Flask, int]:
    """An app at the newest revision with the small course and `learners` learners' work."""
    app = make_app()
    migrate.upgrade(app)
    version_id = publish_small_course(app)
    for number in range(learners):
        record_learner(app, version_id, number)
    return app, version_id


def _counts(app: Flask) -> dict[str, int]:
    with get_engine(app).connect() as connection:
        return row_counts(connection)


class Writer(threading.Thread):
    """Records one learner after another, each in its own commit, until stopped."""

    def __init__(self, app: Flask, version_id: int, first: int) -> None:
        super().__init__(daemon=True)
        self.app, self.version_id, self.next = app, version_id, first
        self.committed = 0
        self.error: BaseException | None = None
        self.progress = threading.Condition()
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                record_learner(self.app, self.version_id, self.next)
                self.next += 1
                with self.progress:
                    self.committed += 1
                    self.progress.notify_all()
        except BaseException as error:  # reported by wait_for and by the test
            self.error = error
            with self.progress:
                self.progress.notify_all()

    def wait_for(self, committed: int) -> None:
        """Block until `committed` learners are in, or the thread has failed."""
        with self.progress:
            done = self.progress.wait_for(
                lambda: self.committed >= committed or self.error is not None, PATIENCE
            )
        assert done and self.error is None, f"the writer stopped: {self.error!r}"


def test_backup_under_write_load_restores_one_consistent_instant(
    make_app: MakeApp, tmp_path: Path
) -> None:
    app, version_id = _populated(make_app)
    writer = Writer(app, version_id, first=100)
    writer.start()
    writer.wait_for(3)
    before = _counts(app)
    during: list[int] = []

    def keep_writing(_snapshot: backups.Snapshot) -> None:
        # The instant is fixed, the copy not yet made: learners who arrive now are not in it.
        start = writer.committed
        writer.wait_for(start + 5)
        during.append(writer.committed - start)

    try:
        report = backups.backup(app, tmp_path / "backup.file", on_snapshot=keep_writing)
        after = _counts(app)
    finally:
        writer.stop.set()
        writer.join(PATIENCE)
    assert writer.error is None
    assert during and during[0] >= 5

    taken = report.snapshot.counts
    for table in ("users", "quiz_attempts", "check_answers", "lesson_completions"):
        assert before[table] <= taken[table] < after[table], table
    assert report.snapshot.revision == migrate.head_revision()
    assert report.path.stat().st_mode & 0o077 == 0, "only the owner may read a backup"

    target = make_app()
    restored = backups.restore(target, report.path)
    assert restored.snapshot == report.snapshot
    assert not restored.needs_upgrade
    with get_engine(target).connect() as connection:
        assert row_counts(connection) == taken
        assert inconsistencies(connection) == []
    assert migrate.current_revision(target) == migrate.head_revision()


def test_restore_refuses_a_database_with_data_unless_forced(
    make_app: MakeApp, tmp_path: Path
) -> None:
    source, _ = _populated(make_app, learners=3)
    report = backups.backup(source, tmp_path / "backup.file")
    target, _ = _populated(make_app, learners=1)

    with pytest.raises(backups.TargetNotEmpty) as refused:
        backups.restore(target, report.path)
    assert "users (1)" in str(refused.value) and "--force" in str(refused.value)
    assert _counts(target)["users"] == 1

    restored = backups.restore(target, report.path, force=True)
    assert restored.snapshot.counts == report.snapshot.counts
    assert _counts(target)["users"] == 3


def test_restore_into_a_database_with_empty_tables_needs_no_force(
    make_app: MakeApp, tmp_path: Path
) -> None:
    source, _ = _populated(make_app, learners=2)
    report = backups.backup(source, tmp_path / "backup.file")
    target = make_app()
    migrate.upgrade(target)  # what `lms init` leaves: every table, no rows
    assert backups.restore(target, report.path).snapshot.summary() == (
        "2 users, 2 quiz attempts, 1 course version"
    )


def test_backup_never_overwrites_a_file(make_app: MakeApp, tmp_path: Path) -> None:
    app, _ = _populated(make_app, learners=1)
    existing = tmp_path / "backup.file"
    existing.write_text("keep me")
    with pytest.raises(backups.BackupError, match="already exists"):
        backups.backup(app, existing)
    assert existing.read_text() == "keep me"
    assert [path.name for path in tmp_path.iterdir() if "partial" in path.name] == []


def test_restore_refuses_what_is_not_a_backup(make_app: MakeApp, tmp_path: Path) -> None:
    target = make_app()
    other = tmp_path / "notes.txt"
    other.write_text("not a database")
    with pytest.raises(backups.BackupError, match="is not a backup made by `lms backup`"):
        backups.restore(target, other)
    with pytest.raises(backups.BackupError, match="There is no backup file"):
        backups.restore(target, tmp_path / "missing.file")


def test_restore_refuses_the_other_kind_of_database(make_app: MakeApp, tmp_path: Path) -> None:
    app, _ = _populated(make_app, learners=1)
    report = backups.backup(app, tmp_path / "backup.file")
    sqlite = backups._kind_of(report.path) == "sqlite"
    other = create_app(
        {
            "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"
            if sqlite
            else f"sqlite:///{tmp_path / 'other.sqlite3'}",
            "SECRET_KEY": "x",
            "INSTANCE_PATH": str(tmp_path / "other"),
        }
    )
    kind, wanted = ("sqlite", "postgresql") if sqlite else ("postgresql", "sqlite")
    with pytest.raises(backups.BackupError, match=f"is a {kind} backup, but .* {wanted} database"):
        backups.restore(other, report.path)


def test_restore_refuses_an_unknown_schema_revision(tmp_path: Path) -> None:
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}", "SECRET_KEY": "x"}
        | {"INSTANCE_PATH": str(tmp_path / "a")}
    )
    migrate.upgrade(app)
    report = backups.backup(app, tmp_path / "backup.sqlite3")
    with sqlite3.connect(report.path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    target = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite3'}", "SECRET_KEY": "x"}
        | {"INSTANCE_PATH": str(tmp_path / "b")}
    )
    with pytest.raises(backups.BackupError, match="revision 9999, which this version"):
        backups.restore(target, report.path)
    assert not (tmp_path / "b.sqlite3").exists()


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An instance folder for the `lms` command, run from tmp_path (always SQLite)."""
    folder = tmp_path / "instance"
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(folder))
    monkeypatch.chdir(tmp_path)
    return folder


def test_backup_and_restore_commands(instance: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli.main, ["db", "upgrade", "--revision", "0006"]).exit_code == 0
    app = create_app({"INSTANCE_PATH": str(instance)})
    record_learner(app, publish_small_course(app), 1)
    get_engine(app).dispose()

    started = datetime.now(UTC).replace(microsecond=0)
    made = runner.invoke(cli.main, ["backup"])
    assert made.exit_code == 0, made.output
    [file] = tmp_path.glob("lms-*.sqlite3")
    stamp = datetime.strptime(file.name, "lms-%Y%m%dT%H%M%SZ.sqlite3").replace(tzinfo=UTC)
    assert started <= stamp <= datetime.now(UTC)
    assert f"to {file.name} (" in made.output
    assert "revision 0006" in made.output
    assert "1 user, 1 quiz attempt, 1 course version" in made.output

    refused = runner.invoke(cli.main, ["restore", str(file)])
    assert refused.exit_code == 1
    assert "The database is not empty: " in refused.output and "--force" in refused.output

    (instance / "lms.sqlite3").unlink()
    restored = runner.invoke(cli.main, ["restore", str(file)])
    assert restored.exit_code == 0, restored.output
    assert "(revision 0006): 1 user, 1 quiz attempt, 1 course version." in restored.output
    assert f"needs revision {migrate.head_revision()}: run `lms init`" in restored.output
