"""Alembic, configured in code: upgrade a database and write new revisions."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import Connection, func, inspect, select, table, text
from sqlalchemy import column as sql_column

from lms.db import get_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    """Return an Alembic configuration pointing at lms/migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@contextmanager
def _migration_connection(app: Flask) -> Iterator[Connection]:
    """A connection in a transaction for migrations; on SQLite with foreign keys off meanwhile.

    SQLite batch mode copies a table and drops the old one, which fails (or cascades) while
    other tables' rows point at it; the keys are checked again before the connection goes back.
    """
    with get_engine(app).connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Only outside a transaction does SQLite accept this pragma.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"The migration broke foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def upgrade(app: Flask, revision: str = "head") -> None:
    """Bring the app's database up to `revision` (default: the newest)."""
    config = alembic_config()
    with _migration_connection(app) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@dataclass(frozen=True)
class Loss:
    """A table or column a downgrade drops, and how many rows hold data there."""

    revision: str
    name: str
    rows: int  # -1: the revision does not declare what it drops

    def __str__(self) -> str:
        if self.rows < 0:
            return f"whatever revision {self.revision} drops (it declares no DROPS)"
        return f"{self.name} ({self.rows} {'row' if self.rows == 1 else 'rows'})"


class DataWouldBeLost(Exception):
    """A downgrade would drop tables or columns that hold data."""

    def __init__(self, target: str, losses: list[Loss]) -> None:
        super().__init__(target, losses)
        self.target = target
        self.losses = losses

    def __str__(self) -> str:
        held = ", ".join(map(str, self.losses))
        return (
            f"Downgrading to {self.target} would drop data: {held}. "
            "Back the database up first (`lms backup`), then run the downgrade again with "
            "--force to drop it."
        )


def declared_drops(revision: str) -> Mapping[str, str | None] | None:
    """What the downgrade of `revision` drops (its module's DROPS), or None if undeclared.

    Keys are "table" or "table.column". A value of None means every row of the table (or every
    non-null value of the column) is lost; a string is an SQL condition on the table selecting
    the rows whose data is lost (for a column whose default the upgrade would put back).
    """
    script = ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    assert script is not None
    drops: Mapping[str, str | None] | None = getattr(script.module, "DROPS", None)
    return drops


def _rows_at_risk(connection: Connection, name: str, condition: str | None) -> int:
    """Count the rows of `name` ("table" or "table.column") whose data a drop would lose."""
    table_name, _, column = name.partition(".")
    query = select(func.count()).select_from(table(table_name))
    if condition is not None:
        # Conditions are literals written in the migration files, never input.
        query = query.where(text(condition))
    elif column:
        query = query.where(sql_column(column).is_not(None))
    return connection.scalar(query) or 0


def data_at_risk(connection: Connection, current: str | None, target: str) -> list[Loss]:
    """The tables and columns holding data that downgrading from `current` to `target` drops.

    A revision without a DROPS declaration may drop anything: it is reported with the row count
    -1, so the downgrade needs force.
    """
    if current is None:
        return []
    script = ScriptDirectory.from_config(alembic_config())
    existing = set(inspect(connection).get_table_names())
    losses: list[Loss] = []
    steps = script.revision_map.iterate_revisions(current, target, select_for_downgrade=True)
    for step in steps:
        assert step is not None
        drops = declared_drops(step.revision)
        if drops is None:
            losses.append(Loss(step.revision, step.revision, -1))
            continue
        if connection.dialect.name == "postgresql":
            # Writers wait until the downgrade commits: no row can arrive after the count.
            tables = sorted({name.partition(".")[0] for name in drops} & existing)
            if tables:
                quoted = ", ".join(f'"{name}"' for name in tables)
                connection.execute(text(f"LOCK TABLE {quoted} IN SHARE MODE"))
        for name, condition in drops.items():
            if name.partition(".")[0] not in existing:
                continue
            rows = _rows_at_risk(connection, name, condition)
            if rows:
                losses.append(Loss(step.revision, name, rows))
    return losses


def downgrade(app: Flask, revision: str, *, force: bool = False) -> list[Loss]:
    """Take the app's database back to `revision` ("base": no tables).

    Refuses with DataWouldBeLost when a dropped table or column holds data, unless `force`;
    returns what was dropped.
    """
    config = alembic_config()
    with _migration_connection(app) as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        losses = data_at_risk(connection, current, revision)
        if losses and not force:
            raise DataWouldBeLost(revision, losses)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
    return losses


def head_revision() -> str | None:
    """Return the newest revision in lms/migrations/versions."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(app: Flask) -> str | None:
    """Return the revision the app's database is at, or None for an empty database."""
    with get_engine(app).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _next_revision_id() -> str:
    """Return the next four-digit revision id, so files sort in the order they apply."""
    numbers = [
        int(match.group(1))
        for path in (MIGRATIONS / "versions").glob("*.py")
        if (match := re.match(r"(\d{4})_", path.name))
    ]
    return f"{max(numbers, default=0) + 1:04d}"


def make_revision(app: Flask, message: str, *, autogenerate: bool = True) -> Path:
    """Write a new revision comparing the models with the app's (up-to-date) database."""
    config = alembic_config()
    with get_engine(app).begin() as connection:
        config.attributes["connection"] = connection
        script = command.revision(
            config, message=message, autogenerate=autogenerate, rev_id=_next_revision_id()
        )
    assert script is not None and not isinstance(script, list)
    return Path(script.path)
