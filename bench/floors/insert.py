"""The insert floor: a Flask app whose POST /insert adds one row through SQLAlchemy.

The row goes into a table of its own (bench_floor_rows) in the platform's database, through an
engine made as the platform makes its own (lms.db.make_engine: WAL and a busy timeout on
SQLite), in one transaction per request: the least a request that writes can cost there.
"""

from __future__ import annotations

import os

from flask import Flask, request
from lmsbench import counting
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, func, insert

from lms.db import make_engine

ENGINE = "floor.engine"  # where the app keeps its engine (renewed after each fork)
metadata = MetaData()
rows = Table(
    "bench_floor_rows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("note", String(100), nullable=False),
    Column("created_at", DateTime, nullable=False, server_default=func.now()),
)


def create_table(url: str) -> None:
    """Create the floor's table (before the server starts, so workers do not race for it)."""
    engine = make_engine(url)
    metadata.create_all(engine)
    engine.dispose()


def drop_table(url: str) -> None:
    """Drop the floor's table, leaving the platform's database as it was."""
    engine = make_engine(url)
    metadata.drop_all(engine)
    engine.dispose()


def create_insert_app() -> Flask:
    """The app; DATABASE_URL names the database, as for the platform."""
    app = Flask(__name__)
    engine = make_engine(os.environ["DATABASE_URL"])
    app.extensions[ENGINE] = engine

    @app.get("/")
    def ready() -> str:
        return "ready"

    @app.post("/insert")
    def insert_row() -> tuple[str, int]:
        with engine.begin() as connection:
            connection.execute(insert(rows).values(note=request.form.get("note", "")[:100]))
        return "", 204

    counting.install(app, engine)
    return app
