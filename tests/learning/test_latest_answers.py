"""What changes in place is updated, on SQLite and PostgreSQL alike: check answers and bookmarks."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.db import db_session
from lms.models import Bookmark, CheckAnswer

MODULE = "/learn/understanding-migration"
LESSON = f"{MODULE}/key-concepts"


def rows(app: Flask, model: Any) -> int:
    with app.app_context():
        return db_session().scalar(select(func.count()).select_from(model)) or 0


def test_the_latest_answer_to_a_check_is_the_one_kept(
    app: Flask, client: FlaskClient, make_user: Any, login: Any, course_version: int
) -> None:
    login(client, make_user())
    for choice, result in (("0", "result-right"), ("1", "result-wrong"), ("0", "result-right")):
        client.post(f"{LESSON}/check/m1-l1-c1", data={"q-m1-l1-c1": choice})
        assert result in client.get(LESSON).get_data(as_text=True)
    assert rows(app, CheckAnswer) == 1


def test_the_bookmark_follows_the_learner(
    app: Flask, client: FlaskClient, make_user: Any, login: Any, course_version: int
) -> None:
    login(client, make_user())
    for page, resumes_at in ((LESSON, LESSON), (f"{MODULE}/quiz", f"{MODULE}/"), (LESSON, LESSON)):
        client.get(page)
        assert client.get("/learn/continue").headers["Location"].endswith(resumes_at)
    assert rows(app, Bookmark) == 1
