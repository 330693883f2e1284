"""Publishing from the editor never loses or changes what learners have done."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms.courses.cache import course_cache
from lms.courses.services import current_version
from lms.db import db_session
from lms.learning.progress import course_progress
from lms.models import QuizAttempt, Role, User

FOLDER = "01-understanding-migration"
MODULE = "/learn/understanding-migration"


@pytest.fixture
def learner(
    app: Flask, make_user: Callable[..., User], login: Callable[..., Any], course_version: int
) -> FlaskClient:
    client = app.test_client()
    login(client, make_user(name="Learner"))
    return client


@pytest.fixture
def instructor(
    app: Flask, make_user: Callable[..., User], login: Callable[..., Any], course_version: int
) -> FlaskClient:
    client = app.test_client()
    login(client, make_user(role=Role.INSTRUCTOR, ui_language="en"))
    return client


def learner_id(app: Flask) -> int:
    with app.app_context():
        return db_session().scalars(select(User.id).where(User.name == "Learner")).one()


def _quiz_form(learner: FlaskClient) -> dict[str, str]:
    page = learner.get(f"{MODULE}/quiz").get_data(as_text=True)
    token = re.search(r'name="submission_token" value="([^"]+)"', page)
    version = re.search(r'name="version_id" value="(\d+)"', page)
    assert token and version
    return {"submission_token": token.group(1), "version_id": version.group(1), "lang": "es"}


def _edit(instructor: FlaskClient, path: str, change: Callable[[str], str]) -> None:
    url = f"/manage/editor/files/{path}"
    page = instructor.get(url).get_data(as_text=True)
    revision = re.search(r'name="revision" value="(\d+)"', page)
    text = re.search(r'<textarea id="editor-text"[^>]*>(.*?)</textarea>', page, re.S)
    assert revision and text
    response = instructor.post(
        url, data={"text": change(html.unescape(text.group(1))), "revision": revision.group(1)}
    )
    assert response.status_code == 302


def _publish(instructor: FlaskClient, message: str) -> None:
    response = instructor.post("/manage/editor/publish", data={"message": message})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_completed_lessons_and_passed_quizzes_survive_a_new_version(
    app: Flask, learner: FlaskClient, instructor: FlaskClient, course_version: int
) -> None:
    learner.post(f"{MODULE}/key-concepts/complete")
    learner.post(
        f"{MODULE}/quiz", data={**_quiz_form(learner), "q-m1-q1": "1951", "q-m1-q2": "true"}
    )
    assert "✓" in learner.get(f"{MODULE}/key-concepts").get_data(as_text=True)

    for lang in ("es", "en"):
        _edit(
            instructor,
            f"{FOLDER}/01-key-concepts.{lang}.md",
            lambda text: text.replace("Text", "Revised text"),
        )
        _edit(
            instructor,
            f"{FOLDER}/quiz.{lang}.md",
            lambda text: text.replace("Pick the year.", "Which year?"),
        )
    _publish(instructor, "Revised lesson and quiz wording")

    lesson = learner.get(f"{MODULE}/key-concepts").get_data(as_text=True)
    assert "Revised" in lesson  # the new version is served at once
    assert "✓" in lesson  # the lesson is still completed
    with app.app_context():
        version = current_version(db_session())
        assert version is not None and version.number == 2
        live = course_cache().get(db_session(), version.id)
        progress = course_progress(db_session(), learner_id(app), live).of(
            "understanding-migration"
        )
        assert progress.complete
        attempt = db_session().scalars(select(QuizAttempt)).one()
        assert (attempt.version_id, attempt.percent, attempt.passed) == (
            course_version,
            100.0,
            True,
        )


def test_a_quiz_open_when_a_version_goes_live_is_graded_as_it_was_shown(
    app: Flask, learner: FlaskClient, instructor: FlaskClient
) -> None:
    form = _quiz_form(learner)
    for lang in ("es", "en"):
        _edit(instructor, f"{FOLDER}/quiz.{lang}.md", lambda text: text.replace("1951", "1960"))
    _publish(instructor, "Changed the answer")
    response = learner.post(f"{MODULE}/quiz", data={**form, "q-m1-q1": "1951", "q-m1-q2": "true"})
    assert response.status_code == 302
    with app.app_context():
        attempt = db_session().scalars(select(QuizAttempt)).one()
        assert attempt.version_id == int(form["version_id"])
        assert attempt.passed and attempt.percent == 100.0
