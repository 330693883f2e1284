"""One start at a time: servers starting together prepare a shared database one after another.

Every `lms serve` upgrades the database, publishes the initial course and makes the first
administrator before it serves. Two machines started at once on one PostgreSQL database would
both create the same tables (the second fails on PostgreSQL's catalog) and both publish
version 1. A session-level advisory lock lets the first do the work; the next then finds it
done. SQLite databases live on one machine, where starts are not run side by side.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import text

from lms.db import get_engine

# Any fixed number, the same in every version: it names this lock among the database's
# advisory locks ("lms!" in ASCII).
START_LOCK_KEY = 0x6C6D7321


@contextmanager
def one_start_at_a_time(app: Flask) -> Iterator[None]:
    """Hold the start lock of the app's database (PostgreSQL) while the block runs."""
    engine = get_engine(app)
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": START_LOCK_KEY})
        # The lock belongs to the session, not the transaction: end the transaction so that
        # this connection does not sit "idle in transaction" while the others work.
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": START_LOCK_KEY})
            connection.commit()
