"""Database engine per app, the declarative base and one session per app context."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from flask import Flask, current_app, g
from sqlalchemy import Engine, MetaData, create_engine, event, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql.dml import Insert

# Every constraint gets a predictable name, so migrations can drop or alter it by name on any
# database (SQLite batch mode needs names to recreate tables).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

EXTENSION_KEY = "lms.db"
_SESSION_KEY = "_lms_db_session"


class Base(DeclarativeBase):
    """Declarative base of every model; its metadata is the schema Alembic compares against."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


@dataclass(frozen=True)
class Database:
    """The engine and session factory of one app."""

    engine: Engine
    sessions: sessionmaker[Session]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Configure every new SQLite connection for concurrent use."""
    cursor = dbapi_connection.cursor()
    # WAL lets readers and one writer work at once; the busy timeout makes a second writer wait
    # instead of failing with "database is locked"; SQLite ignores foreign keys unless asked.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _json_value(stored: Any) -> Any:
    """A JSON column's value. SQLite hands back numbers stored as JSON (e.g. `1`) as numbers."""
    if isinstance(stored, str | bytes | bytearray | memoryview):
        return orjson.loads(stored)
    return stored


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for `url`; SQLite connections get WAL, a busy timeout and foreign keys."""
    # orjson parses the JSON columns (quiz responses and scores) about three times faster than
    # the standard library; reports read tens of thousands of them at once.
    options: dict[str, Any] = {"echo": echo, "json_deserializer": _json_value}
    if not url.startswith("sqlite"):
        # A server may close idle connections; check before handing one out.
        options["pool_pre_ping"] = True
    engine = create_engine(url, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def init_app(app: Flask) -> None:
    """Create the app's engine (lazily connecting) and close the session after each context."""
    engine = make_engine(app.config["DATABASE_URL"], echo=bool(app.config["SQLALCHEMY_ECHO"]))
    # expire_on_commit=False: a view that commits and then renders must not re-query every row.
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    app.extensions[EXTENSION_KEY] = Database(engine=engine, sessions=sessions)
    app.teardown_appcontext(_close_session)


def get_database(app: Flask | None = None) -> Database:
    """Return the Database of `app` (default: the current app)."""
    target = current_app if app is None else app
    database: Database = target.extensions[EXTENSION_KEY]
    return database


def get_engine(app: Flask | None = None) -> Engine:
    """Return the engine of `app` (default: the current app)."""
    return get_database(app).engine


def db_session() -> Session:
    """Return the session of the current app context, opening it on first use."""
    session: Session | None = g.get(_SESSION_KEY)
    if session is None:
        session = get_database().sessions()
        setattr(g, _SESSION_KEY, session)
    return session


def _close_session(_error: BaseException | None) -> None:
    """Close the context's session; anything not committed by a view or command is rolled back."""
    session: Session | None = g.pop(_SESSION_KEY, None)
    if session is not None:
        session.close()


def _dialect_insert(session: Session, table: Any) -> Any:
    """An INSERT of the session's dialect, which knows ON CONFLICT (SQLite and PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return sqlite.insert(table)
    if dialect == "postgresql":
        return postgresql.insert(table)
    raise NotImplementedError(f"ON CONFLICT statements do not support the {dialect} database")


def insert_or_ignore(
    session: Session,
    table: Any,
    values: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    conflict_columns: Sequence[str] | None = None,
) -> Insert:
    """Build an INSERT that silently skips rows violating the unique key on `conflict_columns`.

    Without `conflict_columns` a row is skipped if it violates any unique key, for tables with
    several. Race-free where check-then-insert is not (DESIGN §6); add `.returning(...)` to
    learn whether a row was inserted.
    """
    target = list(conflict_columns) if conflict_columns is not None else None
    statement: Insert = (
        _dialect_insert(session, table).values(values).on_conflict_do_nothing(index_elements=target)
    )
    return statement


def upsert(
    session: Session,
    table: Any,
    keys: Mapping[str, Any],
    values: Mapping[str, Any],
    *,
    unless_same: Collection[str] = (),
) -> Insert:
    """Build an INSERT that updates `values` in place when the unique key `keys` exists.

    One statement: insert-then-update on a zero rowcount is racy, and PostgreSQL drivers may
    report -1 ("unknown") for a skipped insert. With `unless_same`, an existing row whose
    columns of that name already hold the new values is left untouched: nothing is written.
    """
    insert = _dialect_insert(session, table).values(**keys, **values)
    changed = (
        or_(*(getattr(table, name).is_distinct_from(insert.excluded[name]) for name in unless_same))
        if unless_same
        else None
    )
    statement: Insert = insert.on_conflict_do_update(
        index_elements=list(keys), set_=dict(values), where=changed
    )
    return statement


def lock_for_write(session: Session) -> None:
    """Start the session's transaction as a writer so a read-then-write cannot lose updates.

    On SQLite this issues BEGIN IMMEDIATE (with_for_update() does nothing there); call it before
    the first statement of the transaction. On PostgreSQL it does nothing: use
    `select(...).with_for_update()` for the rows you will change.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is not None and dbapi_connection.in_transaction:
        raise RuntimeError("lock_for_write() must come before the transaction's first write")
    connection.exec_driver_sql("BEGIN IMMEDIATE")
