"""`/ready` tells a load balancer whether this process can serve, without a session."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_test_app


def test_ready_when_the_database_answers(client: FlaskClient) -> None:
    answer = client.get("/ready")
    assert (answer.status_code, answer.get_data(as_text=True)) == (200, "ready\n")
    assert "Set-Cookie" not in answer.headers
    assert answer.headers["Cache-Control"] == "no-store"


def test_not_ready_when_the_database_does_not_answer(tmp_path: Path) -> None:
    # A database file inside a folder that does not exist: every connection fails.
    app: Flask = make_test_app(tmp_path, f"sqlite:///{tmp_path / 'gone' / 'lms.sqlite3'}")
    answer = app.test_client().get("/ready")
    assert (answer.status_code, answer.get_data(as_text=True)) == (503, "not ready\n")
    assert answer.headers["Retry-After"] == "5"
