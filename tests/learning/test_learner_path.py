"""The learner's path over HTTP: lessons, checks, quiz attempts, completion and certificate."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.db import db_session
from lms.models import Certificate, LessonCompletion, QuizAttempt
from tests.content.helpers import QUIZ, quiz, small_course

MODULE = "/learn/understanding-migration"
LESSON = f"{MODULE}/key-concepts"


def token_of(page: str) -> str:
    match = re.search(r'name="submission_token" value="([^"]+)"', page)
    assert match, "the quiz form carries a submission token"
    return match.group(1)


def submit(client: FlaskClient, answers: dict[str, Any], token: str | None = None) -> Any:
    page = client.get(f"{MODULE}/quiz").get_data(as_text=True)
    version = re.search(r'name="version_id" value="(\d+)"', page)
    data = {
        "submission_token": token or token_of(page),
        "lang": "es",
        "version_id": version.group(1) if version else "",
        **answers,
    }
    return client.post(f"{MODULE}/quiz", data=data)


def count(app: Flask, model: Any) -> int:
    with app.app_context():
        return db_session().scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def learner(client: FlaskClient, make_user: Any, login: Any, course_version: int) -> Any:
    user = make_user(
        email="ana@example.org", role="learner", password="a-long-password", name="Ana Pérez"
    )
    login(client, user)
    return user


@pytest.mark.parametrize(
    "url",
    ["/learn/", f"{MODULE}/", LESSON, f"{MODULE}/quiz", "/learn/certificate", "/learn/continue"],
)
def test_signed_out_visitors_are_sent_to_sign_in(
    client: FlaskClient, course_version: int, url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 302 and "login" in response.headers["Location"]


def test_course_home_shows_progress_and_the_completion_rule(
    client: FlaskClient, learner: Any
) -> None:
    page = client.get("/learn/").get_data(as_text=True)
    assert "Comprender los procesos migratorios" in page
    assert 'aria-valuenow="0"' in page


def test_knowledge_check_gives_feedback_only_after_answering(
    client: FlaskClient, learner: Any
) -> None:
    before = client.get(LESSON).get_data(as_text=True)
    assert "Texto." in before and 'name="q-m1-l1-c1"' in before
    assert "Indeed." not in before and "It is." not in before
    response = client.post(f"{LESSON}/check/m1-l1-c1", data={"q-m1-l1-c1": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#check-m1-l1-c1")
    after = client.get(LESSON).get_data(as_text=True)
    assert "It is." in after and "result-wrong" in after


def test_completing_a_lesson_twice_counts_once(
    app: Flask, client: FlaskClient, learner: Any
) -> None:
    for _ in range(2):
        response = client.post(f"{LESSON}/complete")
        assert response.status_code == 302 and response.headers["Location"].endswith("/quiz")
    assert count(app, LessonCompletion) == 1
    assert 'aria-valuenow="50"' in client.get("/learn/").get_data(as_text=True)


def test_quiz_form_hides_answers_and_feedback(client: FlaskClient, learner: Any) -> None:
    page = client.get(f"{MODULE}/quiz").get_data(as_text=True)
    assert "Pick the year." in page
    assert "1951" not in page and "explanation" not in page.lower()


def test_failed_then_passed_quiz_completes_module_and_issues_certificate(
    app: Flask, client: FlaskClient, learner: Any
) -> None:
    client.post(f"{LESSON}/complete")
    failed = submit(client, {"q-m1-q1": "1950", "q-m1-q2": "false"})
    assert failed.status_code == 302 and failed.headers["Location"].endswith("/quiz/attempts/1")
    review = client.get(failed.headers["Location"]).get_data(as_text=True)
    assert "0%" in review
    assert count(app, Certificate) == 0
    passed = submit(client, {"q-m1-q1": "1951", "q-m1-q2": "true"})
    assert passed.headers["Location"].endswith("/quiz/attempts/2")
    assert "100%" in client.get(passed.headers["Location"]).get_data(as_text=True)
    assert count(app, Certificate) == 1
    page = client.get("/learn/certificate").get_data(as_text=True)
    code = re.search(r'class="code">([A-Z0-9-]+)<', page)
    assert code
    client.post("/logout")
    public = client.get(f"/learn/verify/{code.group(1).lower()}")
    assert public.status_code == 200 and "Ana" in public.get_data(as_text=True)
    assert client.get("/learn/verify/AAAA-BBBB-CCCC").status_code == 404


def test_a_resent_quiz_counts_once(app: Flask, client: FlaskClient, learner: Any) -> None:
    page = client.get(f"{MODULE}/quiz").get_data(as_text=True)
    token = token_of(page)
    first = submit(client, {"q-m1-q1": "1951"}, token)
    again = submit(client, {"q-m1-q1": "1951"}, token)
    assert first.headers["Location"] == again.headers["Location"]
    assert count(app, QuizAttempt) == 1


def test_attempt_limit_is_enforced(app: Flask, client: FlaskClient, learner: Any) -> None:
    for _ in range(3):
        submit(client, {"q-m1-q1": "1"})
    refused = client.post(
        f"{MODULE}/quiz",
        data={"submission_token": "a-fourth-form", "q-m1-q1": "1951", "q-m1-q2": "true"},
    )
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/quiz")
    assert count(app, QuizAttempt) == 3
    assert "q-m1-q1" not in client.get(f"{MODULE}/quiz").get_data(as_text=True)


def test_learners_see_only_their_own_attempts(
    client: FlaskClient, learner: Any, make_user: Any, login: Any
) -> None:
    submit(client, {"q-m1-q1": "1951"})
    client.post("/logout")
    login(client, make_user(email="bea@example.org", role="learner", password="a-long-password"))
    assert client.get(f"{MODULE}/quiz/attempts/1").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/learn/no-such-module/",
        f"{MODULE}/no-such-lesson",
        f"{MODULE}/media/missing.png",
        f"{LESSON}/check/no-such-check",
    ],
)
def test_unknown_pages_are_404(client: FlaskClient, learner: Any, url: str) -> None:
    response = client.post(url) if "/check/" in url else client.get(url)
    assert response.status_code == 404


def test_continue_returns_to_the_last_lesson(client: FlaskClient, learner: Any) -> None:
    assert client.get("/learn/continue").headers["Location"].endswith(LESSON)
    client.get(f"{MODULE}/quiz")
    assert client.get("/learn/continue").headers["Location"].endswith(f"{MODULE}/")


def test_quiz_graded_against_the_version_it_was_taken_in(
    app: Flask, client: FlaskClient, learner: Any, publish_course: Any
) -> None:
    page = client.get(f"{MODULE}/quiz").get_data(as_text=True)
    changed = small_course(
        quiz__es__md=quiz(QUIZ.replace("1951", "1960")),
        quiz__en__md=quiz(QUIZ.replace("1951", "1960")),
    )
    publish_course(changed)
    version = re.search(r'name="version_id" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    client.post(
        f"{MODULE}/quiz",
        data={
            "submission_token": token_of(page),
            "lang": "es",
            "version_id": version,
            "q-m1-q1": "1951",
        },
    )
    with app.app_context():
        attempt = db_session().scalars(select(QuizAttempt)).one()
        assert attempt.version_id == int(version) and attempt.score == 2
