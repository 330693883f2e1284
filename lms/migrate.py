"""Alembic, configured in code: upgrade a database and write new revisions."""

from __future__ import annotations

import re
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

from lms.db import get_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    """Return an Alembic configuration pointing at lms/migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(app: Flask, revision: str = "head") -> None:
    """Bring the app's database up to `revision` (default: the newest)."""
    config = alembic_config()
    with get_engine(app).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(app: Flask, revision: str) -> None:
    """Take the app's database back to `revision` ("base": no tables). Loses data; for tests."""
    config = alembic_config()
    with get_engine(app).begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


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
