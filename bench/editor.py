"""The course editor's server side: what the benchmarks of previews and publishing share.

Builds a throwaway SQLite database with the migrations (as `lms serve` does), publishes the
course, creates an instructor and signs in through Flask's test client. See bench/README.md.
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from lms import create_app, migrate
from lms.auth import services as accounts
from lms.courses.services import publish
from lms.db import db_session, get_engine
from lms.models import Role

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-long"
# Hashing at full cost would time scrypt, not the editor.
CHEAP_PASSWORD_METHOD = "scrypt:1024:8:1"


@contextmanager
def editor_app(files: dict[str, bytes]) -> Iterator[tuple[Flask, FlaskClient]]:
    """An app with `files` published and an instructor signed in (CSRF off: no forms parsed)."""
    with tempfile.TemporaryDirectory(prefix="lms-bench-") as folder:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
                "SECRET_KEY": "bench",
                "INSTANCE_PATH": folder,
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
            }
        )
        migrate.upgrade(app)
        accounts.PASSWORD_METHOD = CHEAP_PASSWORD_METHOD
        with app.app_context():
            publish(db_session(), files)
            accounts.create_user(
                db_session(),
                email="editor@example.org",
                name="Editor",
                password=PASSWORD,
                role=Role.INSTRUCTOR,
            )
            db_session().commit()
        client = app.test_client()
        signed_in = client.post(
            "/login", data={"email": "editor@example.org", "password": PASSWORD}
        )
        assert signed_in.status_code == 302, "sign-in failed"
        try:
            yield app, client
        finally:
            get_engine(app).dispose()


def row(name: str, seconds: list[float], unit: str = "ms") -> str:
    """One line of the report table: runs, median and maximum."""
    scale = 1000 if unit == "ms" else 1
    values = sorted(s * scale for s in seconds)
    return f"| {name} | {len(values)} | {statistics.median(values):.2f} | {values[-1]:.2f} |"
