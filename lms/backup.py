"""Backups of the whole database in one file, and restoring them (SQLite and PostgreSQL).

SQLite is copied with its online backup API inside one read transaction; PostgreSQL with
pg_dump in the custom format on a snapshot exported by a repeatable-read transaction. Either
way the file is the database as it was at one instant while the platform keeps writing, and
the row counts reported are those of that same instant.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import Flask
from sqlalchemy import URL, Connection, func, inspect, select, text
from sqlalchemy.dialects import sqlite as sqlite_dialects

import lms.models  # noqa: F401  (every table on Base.metadata)
from lms import migrate
from lms.db import Base, get_engine
from lms.models.types import utcnow

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
VERSION_TABLE = "alembic_version"
READ_REVISION = "SELECT version_num FROM alembic_version"
SQLITE_DIALECT = sqlite_dialects.dialect()
# The counts a backup or restore reports, in this order, with their names for people.
HEADLINE = {
    "users": ("user", "users"),
    "quiz_attempts": ("quiz attempt", "quiz attempts"),
    "course_versions": ("course version", "course versions"),
}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says what to do."""


class TargetNotEmpty(BackupError):
    """The database to restore into holds data."""

    def __init__(self, counts: Mapping[str, int]) -> None:
        self.counts = dict(counts)
        held = ", ".join(f"{table} ({rows})" for table, rows in self.counts.items() if rows)
        super().__init__(
            f"The database is not empty: {held}. Restoring replaces all of it; run again with "
            "--force to do so (back it up first if its data may be needed)."
        )


@dataclass(frozen=True)
class Snapshot:
    """The schema revision and row counts of a database at one instant."""

    revision: str | None
    counts: dict[str, int]

    def summary(self) -> str:
        """The headline counts, e.g. "12 users, 30 quiz attempts, 1 course version"."""
        return ", ".join(
            f"{rows} {one if rows == 1 else many}"
            for key, (one, many) in HEADLINE.items()
            for rows in [self.counts.get(key, 0)]
        )


@dataclass(frozen=True)
class BackupReport:
    """A finished backup: where it is, how big, how long it took and what it holds."""

    path: Path
    size: int
    seconds: float
    snapshot: Snapshot


@dataclass(frozen=True)
class RestoreReport:
    """A finished restore: what the database holds now and whether it needs an upgrade."""

    snapshot: Snapshot
    head: str | None

    @property
    def needs_upgrade(self) -> bool:
        """True when the restored schema is older than this version of the platform."""
        return self.snapshot.revision != self.head


def default_path(app: Flask, now: datetime | None = None) -> Path:
    """A new file name in the current folder with the UTC time: lms-20270301T020000Z.sqlite3."""
    stamp = (now or utcnow()).strftime("%Y%m%dT%H%M%SZ")
    suffix = "sqlite3" if _is_sqlite(app) else "pgdump"
    return Path(f"lms-{stamp}.{suffix}")


def backup(
    app: Flask, path: Path | None = None, on_snapshot: Callable[[Snapshot], None] | None = None
) -> BackupReport:
    """Write the app's database to `path` (never overwriting); `on_snapshot` runs once the
    instant being copied is fixed, while the copy is still to be made."""
    target = path or default_path(app)
    if target.exists():
        raise BackupError(f"{target} already exists: choose another file name.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist: create it first.")
    started = time.perf_counter()
    with _private_file(target) as partial:
        if _is_sqlite(app):
            snapshot = _backup_sqlite(_sqlite_path(app), partial, on_snapshot)
        else:
            snapshot = _backup_postgres(app, partial, on_snapshot)
    return BackupReport(target, target.stat().st_size, time.perf_counter() - started, snapshot)


def restore(app: Flask, path: Path, *, force: bool = False) -> RestoreReport:
    """Replace the app's database with the backup at `path`.

    Refuses (TargetNotEmpty) when the database holds rows, unless `force`, and refuses backups
    of another kind of database or of a schema revision this version does not know.
    """
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    kind = _kind_of(path)
    wanted = "sqlite" if _is_sqlite(app) else "postgresql"
    if kind is None:
        raise BackupError(f"{path} is not a backup made by `lms backup` (SQLite or pg_dump -Fc).")
    if kind != wanted:
        raise BackupError(
            f"{path} is a {kind} backup, but DATABASE_URL names a {wanted} database: restore it "
            f"into a {kind} database."
        )
    sqlite = kind == "sqlite"
    revision = _sqlite_revision(path) if sqlite else _postgres_archive_revision(app, path)
    _check_revision(path, revision)
    counts = _row_counts_of(app)
    if any(counts.values()) and not force:
        raise TargetNotEmpty(counts)
    if sqlite:
        _restore_sqlite(path, _sqlite_path(app))
    else:
        _restore_postgres(app, path)
    with get_engine(app).connect() as connection:
        restored = _snapshot(connection)
    return RestoreReport(restored, migrate.head_revision())


def _is_sqlite(app: Flask) -> bool:
    """True when the app's database is SQLite."""
    return get_engine(app).dialect.name == "sqlite"


def _sqlite_path(app: Flask) -> Path:
    """The file of the app's SQLite database."""
    database = get_engine(app).url.database
    if not database or database == ":memory:":
        raise BackupError("DATABASE_URL names an in-memory SQLite database: there is no file.")
    return Path(database)


@contextmanager
def _private_file(target: Path) -> Iterator[Path]:
    """A new file only its owner may read, moved to `target` only once it is complete."""
    partial = target.with_name(f".{target.name}.partial")
    # Backups hold password hashes and learners' answers: owner-only from the first byte.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        yield partial
        # link() refuses an existing name, so a file that appeared meanwhile is never replaced.
        os.link(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _snapshot(connection: Connection) -> Snapshot:
    """Revision and row counts of every platform table present, read in one transaction."""
    present = set(inspect(connection).get_table_names())
    revision = None
    if VERSION_TABLE in present:
        revision = connection.scalar(text(READ_REVISION))
    counts = {
        table.name: connection.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
        if table.name in present
    }
    return Snapshot(revision, counts)


def _row_counts_of(app: Flask) -> dict[str, int]:
    """Rows in each platform table of the app's database (none if it does not exist yet)."""
    if _is_sqlite(app) and not _sqlite_path(app).exists():
        return {}
    with get_engine(app).connect() as connection:
        return _snapshot(connection).counts


def _check_revision(path: Path, revision: str | None) -> None:
    """Refuse a backup without a schema revision or with one this version does not know."""
    if revision is None:
        raise BackupError(
            f"{path} holds no schema revision ({VERSION_TABLE} is missing or empty): it was not "
            "made from a database set up by `lms init`."
        )
    try:
        known = ScriptDirectory.from_config(migrate.alembic_config()).get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise BackupError(
            f"{path} is at schema revision {revision}, which this version of the platform does "
            f"not know (its newest is {migrate.head_revision()}): restore it with the version "
            "that made it."
        )


def _kind_of(path: Path) -> str | None:
    """Tell SQLite files and pg_dump archives apart by their first bytes (None: neither)."""
    with path.open("rb") as file:
        start = file.read(len(SQLITE_MAGIC))
    if start == SQLITE_MAGIC:
        return "sqlite"
    if start.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    return None


def _sqlite_connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """A plain sqlite3 connection that waits for writers instead of failing."""
    if read_only:
        return sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=30)
    return sqlite3.connect(path, timeout=30)


def _sqlite_snapshot(connection: sqlite3.Connection) -> Snapshot:
    """Revision and row counts read with plain sqlite3, inside the connection's transaction."""
    present = {
        name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
    }
    revision = None
    if VERSION_TABLE in present:
        row = connection.execute(READ_REVISION).fetchone()
        revision = row[0] if row else None
    counts = {}
    for table in Base.metadata.sorted_tables:
        if table.name in present:
            # SQLAlchemy writes (and quotes) the statement; plain sqlite3 runs it.
            query = str(select(func.count()).select_from(table).compile(dialect=SQLITE_DIALECT))
            counts[table.name] = connection.execute(query).fetchone()[0]
    return Snapshot(revision, counts)


def _backup_sqlite(
    source_path: Path, partial: Path, on_snapshot: Callable[[Snapshot], None] | None
) -> Snapshot:
    """Copy the SQLite database as of one read transaction, in which it is also counted."""
    if not source_path.exists():
        raise BackupError(f"There is no database at {source_path}: nothing to back up.")
    with closing(_sqlite_connect(source_path)) as source:
        # The copy is made inside this read transaction, so it is exactly what was counted;
        # with WAL, writers go on meanwhile.
        source.execute("BEGIN")
        snapshot = _sqlite_snapshot(source)
        if on_snapshot is not None:
            on_snapshot(snapshot)
        with closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)
            # A backup is one self-contained file, without a -wal beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
        source.rollback()
    return snapshot


def _sqlite_revision(path: Path) -> str | None:
    """The schema revision inside an SQLite backup, after checking the file is sound."""
    try:
        with closing(_sqlite_connect(path, read_only=True)) as connection:
            (check,) = connection.execute("PRAGMA quick_check").fetchone()
            if check != "ok":
                raise BackupError(f"{path} is damaged ({check}): use another backup.")
            return _sqlite_snapshot(connection).revision
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} cannot be read as an SQLite database: {error}.") from error


def _restore_sqlite(path: Path, target: Path) -> None:
    """Copy the backup's pages over the target database with the online backup API."""
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist: create it first.")
    with (
        closing(_sqlite_connect(path, read_only=True)) as source,
        closing(_sqlite_connect(target)) as database,
    ):
        source.backup(database)
        database.execute("PRAGMA journal_mode=WAL")


def _libpq(app: Flask) -> tuple[str, dict[str, str]]:
    """The database as a libpq URI without its password, and an environment carrying it."""
    url: URL = get_engine(app).url
    environment = dict(os.environ)
    if url.password is not None:
        # In the environment, not on the command line, where other users could read it.
        environment["PGPASSWORD"] = str(url.password)
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, environment


def _tool(app: Flask, name: str) -> str:
    """Path of pg_dump or pg_restore, checked to be at least as new as the server."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client)."
        )
    output = subprocess.run(  # nosec B603  # our own argument list, no shell
        [found, "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    with get_engine(app).connect() as connection:
        server = int(connection.exec_driver_sql("SHOW server_version_num").scalar_one()) // 10000
    if match and int(match.group(1)) < server:
        raise BackupError(
            f"{name} {match.group(1)} cannot handle PostgreSQL {server}: install "
            f"postgresql-client-{server}."
        )
    return found


def _run(arguments: list[str], environment: Mapping[str, str], what: str) -> str:
    """Run a PostgreSQL client tool; its error output becomes the message of a failure."""
    done = subprocess.run(  # nosec B603  # our own argument list, no shell
        arguments, capture_output=True, text=True, env=dict(environment), check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip()}")
    return done.stdout


def _backup_postgres(
    app: Flask, partial: Path, on_snapshot: Callable[[Snapshot], None] | None
) -> Snapshot:
    """pg_dump the database on the snapshot of a transaction in which it is also counted."""
    pg_dump = _tool(app, "pg_dump")
    uri, environment = _libpq(app)
    engine = get_engine(app).execution_options(isolation_level="REPEATABLE READ")
    with engine.connect() as connection, connection.begin():
        # The first statement fixes the transaction's snapshot; pg_dump reads the same one.
        exported = connection.scalar(text("SELECT pg_export_snapshot()"))
        snapshot = _snapshot(connection)
        arguments = [pg_dump, "--format=custom", f"--snapshot={exported}", f"--file={partial}"]
        dump = subprocess.Popen(  # nosec B603  # our own argument list, no shell
            [*arguments, f"--dbname={uri}"],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        if on_snapshot is not None:
            on_snapshot(snapshot)
        # The exporting transaction must stay open until pg_dump has finished reading.
        _, errors = dump.communicate()
    if dump.returncode != 0:
        raise BackupError(f"pg_dump failed: {errors.strip()}")
    return snapshot


def _postgres_archive_revision(app: Flask, path: Path) -> str | None:
    """The schema revision inside a pg_dump archive, read with pg_restore without restoring."""
    pg_restore = _tool(app, "pg_restore")
    _, environment = _libpq(app)
    listing = _run(
        [pg_restore, "--data-only", f"--table={VERSION_TABLE}", "--file=-", str(path)],
        environment,
        f"Reading {path}",
    )
    lines = iter(listing.splitlines())
    for line in lines:
        if line.startswith("COPY ") and f"{VERSION_TABLE} " in line:
            value = next(lines, "\\.")
            return None if value == "\\." else value
    return None


def _restore_postgres(app: Flask, path: Path) -> None:
    """Drop the platform's tables, then pg_restore the archive in one transaction."""
    pg_restore = _tool(app, "pg_restore")
    uri, environment = _libpq(app)
    names = [table.name for table in Base.metadata.sorted_tables] + [VERSION_TABLE]
    with get_engine(app).begin() as connection:
        present = set(inspect(connection).get_table_names())
        for name in reversed(names):
            if name in present:
                connection.execute(text(f'DROP TABLE "{name}" CASCADE'))
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            f"--dbname={uri}",
            str(path),
        ],
        environment,
        f"Restoring {path}",
    )
