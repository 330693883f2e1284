"""Learner pages run as many SQL statements with a little data as with a lot (DESIGN §6)."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert
from werkzeug.datastructures import MultiDict

from lms.content import read_tree
from lms.courses.services import publish
from lms.db import db_session
from lms.models import (
    Bookmark,
    Certificate,
    CheckAnswer,
    Cohort,
    DeadlineExtension,
    Enrollment,
    LessonCompletion,
    ModuleDeadline,
    QuizAttempt,
    User,
)
from lms.models.types import utcnow
from tests.conftest import StatementCounter
from tests.content.helpers import QUIZ, quiz, small_course

MODULE = "/learn/understanding-migration"
LESSON = f"{MODULE}/key-concepts"
RIGHT = {"q-m1-q1": "1951", "q-m1-q2": "true"}
MANY = 30  # rows of each kind added for the learner, and other learners added


def quiz_form(client: FlaskClient) -> dict[str, str]:
    page = client.get(f"{MODULE}/quiz").get_data(as_text=True)
    fields = dict(re.findall(r'name="(submission_token|version_id|lang)" value="([^"]*)"', page))
    return {**fields, **RIGHT}


# Each request a learner makes, with the status it must answer.
REQUESTS: dict[str, tuple[Callable[[FlaskClient], Any], int]] = {
    "course home": (lambda c: c.get("/learn/"), 200),
    "module": (lambda c: c.get(f"{MODULE}/"), 200),
    "lesson": (lambda c: c.get(LESSON), 200),
    "quiz": (lambda c: c.get(f"{MODULE}/quiz"), 200),
    "attempt": (lambda c: c.get(f"{MODULE}/quiz/attempts/1"), 200),
    "certificate": (lambda c: c.get("/learn/certificate"), 200),
    "continue": (lambda c: c.get("/learn/continue"), 302),
    "knowledge check": (
        lambda c: c.post(
            f"{LESSON}/check/m1-l1-c1", data={"q-m1-l1-c1": "0"}, headers={"X-Requested-With": "x"}
        ),
        200,
    ),
    "lesson done": (lambda c: c.post(f"{LESSON}/complete"), 302),
}


def statements_per_request(
    client: FlaskClient, counter: StatementCounter, submit_form: dict[str, str]
) -> dict[str, list[str]]:
    """The SQL each learner request runs (the quiz form is fetched before counting its post)."""
    seen: dict[str, list[str]] = {}
    for name, (send, status) in REQUESTS.items():
        start = counter.count
        assert send(client).status_code == status, name
        seen[name] = counter.statements[start:]
    start = counter.count
    assert client.post(f"{MODULE}/quiz", data=submit_form).status_code == 302
    seen["quiz submission"] = counter.statements[start:]
    return seen


def add_deadlines(app: Flask, user_ids: list[int], cohorts: int, tag: str) -> None:
    """Cohorts with a due date (and an extension for each member) that `user_ids` all join."""
    later = utcnow() + timedelta(days=30)
    with app.app_context():
        session = db_session()
        for n in range(cohorts):
            cohort = Cohort(name=f"Edition {tag}{n}", invite_token=f"edition-{tag}{n}")
            session.add(cohort)
            session.flush()
            session.add(
                ModuleDeadline(
                    cohort_id=cohort.id, module_slug="understanding-migration", due_at=later
                )
            )
            for user_id in user_ids:
                session.add(Enrollment(user_id=user_id, cohort_id=cohort.id))
                extension = {"module_slug": "understanding-migration", "reason": "travel"}
                session.add(
                    DeadlineExtension(
                        user_id=user_id,
                        cohort_id=cohort.id,
                        due_at=later + timedelta(days=1),
                        **extension,
                    )
                )
        session.commit()


def add_lots_of_data(app: Flask, learner: User, version_id: int) -> None:
    """The learner's history grows and many other learners arrive with theirs."""
    session_rows: dict[Any, list[dict[str, Any]]] = {
        LessonCompletion: [],
        QuizAttempt: [],
        CheckAnswer: [],
        Bookmark: [],
        Certificate: [],
    }
    now = utcnow()
    with app.app_context():
        session = db_session()
        others = [
            session.scalar(
                insert(User)
                .values(email=f"other{n}@example.org", name=f"Other {n}", password_hash="x")
                .returning(User.id)
            )
            for n in range(MANY)
        ]
        for owner in [learner.id, *others]:
            first = 100 if owner == learner.id else 1  # the learner's own attempt 1 exists
            for n in range(MANY):
                common = {"user_id": owner, "version_id": version_id}
                session_rows[LessonCompletion].append(
                    {**common, "module_slug": f"old-{n % 5}", "lesson_slug": f"l{n}"}
                    | {"completed_at": now}
                )
                session_rows[QuizAttempt].append(
                    {**common, "module_slug": "understanding-migration", "number": first + n}
                    | {"submission_token": f"t-{owner}-{n}", "lang": "es", "responses": RIGHT}
                    | {"scores": {}, "score": 3, "max_score": 3, "percent": 100.0, "passed": True}
                    | {"submitted_at": now}
                )
                session_rows[CheckAnswer].append(
                    {**common, "question_id": f"old-check-{n}", "response": 0}
                    | {"score": 1, "max_score": 1, "answered_at": now}
                )
            if owner != learner.id:
                session_rows[Bookmark].append(
                    {"user_id": owner, "module_slug": "understanding-migration"}
                    | {"lesson_slug": "key-concepts", "updated_at": now}
                )
                session_rows[Certificate].append(
                    {"user_id": owner, "code": f"C{owner:011d}", "version_id": version_id}
                    | {"issued_at": now}
                )
        for model, rows in session_rows.items():
            session.execute(insert(model), rows)
        session.commit()
    add_deadlines(app, [learner.id, *others], MANY // 3, "many")


def test_learner_requests_do_not_run_more_sql_as_data_grows(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    publish_course: Callable[..., int],
    count_statements: StatementCounter,
) -> None:
    unlimited = quiz(QUIZ, attempts=0)  # the learner may have any number of attempts
    version_id = publish_course(small_course(quiz__es__md=unlimited, quiz__en__md=unlimited))
    learner = make_user(email="ana@example.org")
    login(client, learner)
    # One of everything: a finished lesson, an answered check, a passed attempt, a place.
    client.post(f"{LESSON}/complete")
    client.post(f"{LESSON}/check/m1-l1-c1", data={"q-m1-l1-c1": "0"})
    assert client.post(f"{MODULE}/quiz", data=quiz_form(client)).status_code == 302
    client.get(LESSON)
    add_deadlines(app, [learner.id], 1, "one")  # due dates (an extension too) count as data

    few = statements_per_request(client, count_statements, quiz_form(client))
    add_lots_of_data(app, learner, version_id)
    many = statements_per_request(client, count_statements, quiz_form(client))

    for name, statements in few.items():
        assert len(many[name]) == len(statements), (name, statements, many[name])
    assert max(len(s) for s in few.values()) <= 14, {k: len(v) for k, v in few.items()}


# The benchmark's scenario requests (bench/run.py) and the SQL each runs, on the real course
# seeded by the benchmark's own seeder. The same numbers at both sizes: no statement depends on
# how many learners, attempts or lessons done there are. Fewer is fine: lower the number here.
BENCH = Path(__file__).resolve().parents[2] / "bench"
BENCH_STATEMENTS = {"lesson": 4, "home": 7, "check": 3, "submit": 9, "dashboard": 11}


@pytest.mark.parametrize(
    ("learners", "cohort", "attempts"), [(12, 6, 60), (300, 150, 3000)], ids=["small", "larger"]
)
def test_bench_scenarios_run_a_fixed_number_of_statements(
    app: Flask,
    count_statements: StatementCounter,
    monkeypatch: pytest.MonkeyPatch,
    learners: int,
    cohort: int,
    attempts: int,
) -> None:
    monkeypatch.syspath_prepend(str(BENCH))
    seeding = importlib.import_module("lmsbench.seed")
    scenarios = importlib.import_module("lmsbench.scenarios")
    with app.app_context():
        publish(db_session(), read_tree(BENCH.parent / "modules"))
        db_session().commit()
    seeded = seeding.seed(app, seeding.SeedSize(learners, cohort, attempts), accounts=1)
    clients = {}
    for kind in ("learner", "instructor"):
        clients[kind] = app.test_client()
        email = (seeding.INSTRUCTOR if kind == "instructor" else seeding.LEARNER) % 0
        credentials = {"email": email, "password": seeding.PASSWORD}
        assert clients[kind].post("/login", data=credentials).status_code == 302
    counts = {}
    for name, request in scenarios.page_requests(seeded).items():
        client = clients["instructor" if request.instructor else "learner"]
        headers = {"X-Requested-With": "XMLHttpRequest"} if request.ajax else {}
        for key in ("first", "counted"):  # the first also fills the course cache
            form = MultiDict([*request.form, ("submission_token", f"{name}-{key}")])
            start = count_statements.count
            sent = client.open(
                request.path,
                method=request.method,
                data=form if request.method == "POST" else None,
                headers=headers,
            )
            assert sent.status_code == request.status, name
        counts[name] = count_statements.count - start
    assert counts == BENCH_STATEMENTS
