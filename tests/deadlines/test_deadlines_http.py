"""Deadlines over HTTP: the instructors' form, what learners see, closing quizzes, extensions."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.db import db_session
from lms.models import DeadlineExtension, ModuleDeadline, QuizAttempt, Role, User
from lms.models.types import utcnow
from tests.deadlines.conftest import MODULE, ZONE, Edition, complete_module, set_deadline

DEADLINES = "/manage/cohorts/{}/deadlines"


def _form(zone: str = ZONE, **fields: str) -> dict[str, str]:
    return {"timezone": zone, "remind_days_before": "3", "remind_overdue": "on", **fields}


def _quiz_form(client: FlaskClient) -> dict[str, str]:
    page = client.get(f"/learn/{MODULE}/quiz").get_data(as_text=True)
    fields = dict(re.findall(r'name="(submission_token|version_id|lang)" value="([^"]*)"', page))
    return {**fields, "q-m1-q1": "1951", "q-m1-q2": "true"}


def _attempts(app: Flask) -> int:
    with app.app_context():
        return db_session().scalar(select(func.count()).select_from(QuizAttempt)) or 0


def test_only_the_cohorts_instructors_reach_its_deadlines(
    client: FlaskClient,
    edition: Edition,
    make_user: Callable[..., User],
    login: Callable[..., Any],
) -> None:
    url = DEADLINES.format(edition.cohort.id)
    assert client.get(url).status_code == 302  # to sign-in
    login(client, edition.learner)
    assert client.get(url).status_code == 403
    login(client, make_user(role=Role.INSTRUCTOR))
    assert client.get(url).status_code == 404
    assert client.post(url, data=_form(**{f"due-{MODULE}": "2027-03-15"})).status_code == 404
    login(client, make_user(role=Role.ADMIN))
    assert client.get(url).status_code == 200


def test_due_dates_are_saved_in_the_cohorts_zone_and_shown_to_learners(
    app: Flask, client: FlaskClient, edition: Edition, login: Callable[..., Any]
) -> None:
    login(client, edition.runner)
    url = DEADLINES.format(edition.cohort.id)
    sent = _form(**{f"due-{MODULE}": "2031-03-15", f"time-{MODULE}": "18:00"})
    assert client.post(url, data=sent).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'value="2031-03-15"' in page and 'value="18:00"' in page
    assert f"<option selected>{ZONE}</option>" in page
    with app.app_context():
        saved = db_session().scalars(select(ModuleDeadline)).one()
        assert saved.due_at == datetime(2031, 3, 15, 21, 0, tzinfo=UTC)
        assert saved.site_url == "http://localhost"
    login(client, edition.learner)
    for path in ("/learn/", f"/learn/{MODULE}/", f"/learn/{MODULE}/quiz"):
        text = client.get(path).get_data(as_text=True)
        assert "15 de marzo de 2031, 18:00 (hora estándar de Argentina)" in text, path


def test_a_wrong_field_keeps_everything_typed_and_saves_nothing(
    app: Flask, client: FlaskClient, edition: Edition, login: Callable[..., Any]
) -> None:
    login(client, edition.runner)
    url = DEADLINES.format(edition.cohort.id)
    sent = _form(
        zone="Mars/Olympus_Mons",
        remind_days_before="45",
        **{f"due-{MODULE}": "15/03/2031", f"time-{MODULE}": "6 pm"},
    )
    response = client.post(url, data=sent)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "3 fields need correcting" in page
    assert "Give the date as YYYY-MM-DD" in page and 'value="15/03/2031"' in page
    assert "Choose a time zone from the list." in page
    assert "from 0 (no reminder) to 30" in page and 'value="45"' in page
    assert f'id="due-{MODULE}" name="due-{MODULE}" value="15/03/2031"' in page
    assert f'aria-describedby="due-{MODULE}-error" aria-invalid="true"' in page
    with app.app_context():
        assert db_session().scalars(select(ModuleDeadline)).all() == []
    bad_time = _form(**{f"due-{MODULE}": "2031-03-15", f"time-{MODULE}": "25:99"})
    assert "Give the time as HH:MM" in client.post(url, data=bad_time).get_data(as_text=True)


def test_a_closed_quiz_refuses_attempts_and_keeps_the_answers_until_an_extension(
    app: Flask, client: FlaskClient, edition: Edition, login: Callable[..., Any]
) -> None:
    set_deadline(
        app, edition.cohort, utcnow() - timedelta(hours=1), closes=True, actor=edition.runner
    )
    login(client, edition.learner)
    quiz_page = client.get(f"/learn/{MODULE}/quiz").get_data(as_text=True)
    assert "Este cuestionario está cerrado: su fecha límite ya pasó." in quiz_page
    assert 'class="quiz-form"' not in quiz_page
    form = _quiz_form(client)
    form["submission_token"] = "late-token"
    form["version_id"] = str(edition.version_id)
    form["lang"] = "es"
    refused = client.post(f"/learn/{MODULE}/quiz", data=form)
    assert refused.status_code == 403
    kept = refused.get_data(as_text=True)
    assert 'value="1951"' in kept and 'class="quiz-form"' in kept
    assert _attempts(app) == 0

    # The instructor extends the deadline for this learner, saying why.
    staff = app.test_client()
    login(staff, edition.runner)
    later = (utcnow() + timedelta(days=2)).date().isoformat()
    extend = f"/manage/cohorts/{edition.cohort.id}/learners/{edition.learner.id}/deadline"
    granted = staff.post(extend, data={"module": MODULE, "due": later, "reason": "Power cut"})
    assert granted.status_code == 302
    assert "Power cut" in staff.get(granted.headers["Location"]).get_data(as_text=True)
    assert client.post(f"/learn/{MODULE}/quiz", data=form).status_code == 302
    assert _attempts(app) == 1
    home = client.get("/learn/").get_data(as_text=True)
    assert "prorrogado para usted" in home and "Cerrado el" not in home


def test_late_work_is_accepted_when_the_quiz_does_not_close(
    app: Flask, client: FlaskClient, edition: Edition, login: Callable[..., Any]
) -> None:
    set_deadline(app, edition.cohort, utcnow() - timedelta(days=1), actor=edition.runner)
    login(client, edition.learner)
    assert client.post(f"/learn/{MODULE}/quiz", data=_quiz_form(client)).status_code == 302
    assert _attempts(app) == 1


def test_a_refused_extension_comes_back_with_what_was_typed(
    app: Flask, client: FlaskClient, edition: Edition, login: Callable[..., Any]
) -> None:
    due = utcnow() + timedelta(days=5)
    set_deadline(app, edition.cohort, due, actor=edition.runner)
    login(client, edition.runner)
    url = f"/manage/cohorts/{edition.cohort.id}/learners/{edition.learner.id}/deadline"
    later = (due + timedelta(days=3)).date().isoformat()
    no_reason = client.post(url, data={"module": MODULE, "due": later, "reason": " "})
    page = no_reason.get_data(as_text=True)
    assert no_reason.status_code == 422
    assert "Say why you extend the deadline" in page and f'value="{later}"' in page
    earlier = (due - timedelta(days=2)).date().isoformat()
    too_early = client.post(url, data={"module": MODULE, "due": earlier, "reason": "Trip"})
    assert "must be later than the cohort" in too_early.get_data(as_text=True)
    assert 'value="Trip"' in too_early.get_data(as_text=True)
    with app.app_context():
        assert db_session().scalars(select(DeadlineExtension)).all() == []


@pytest.mark.parametrize("closes", [False, True])
def test_the_progress_report_marks_overdue_learners_and_filters_them(
    app: Flask,
    client: FlaskClient,
    edition: Edition,
    login: Callable[..., Any],
    make_user: Callable[..., User],
    closes: bool,
) -> None:
    from lms.cohorts import services as cohorts

    done = make_user(name="Done Early")
    with app.app_context():
        cohorts.enroll(db_session(), done, db_session().merge(edition.cohort))
        db_session().commit()
    complete_module(app, done, edition.version_id)
    set_deadline(
        app, edition.cohort, utcnow() - timedelta(days=1), closes=closes, actor=edition.runner
    )
    login(client, edition.runner)
    progress = f"/manage/cohorts/{edition.cohort.id}/progress"
    page = client.get(progress).get_data(as_text=True)
    assert page.count("⚠ overdue") == 1 and "1 overdue" in page
    only = client.get(progress, query_string={"status": "overdue"}).get_data(as_text=True)
    assert "Ana Pérez" in only and "Done Early" not in only
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/manage/cohorts/{edition.cohort.id}/grades.csv")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    statuses = {row[0]: row[5] for row in rows[1:]}
    assert statuses == {"Ana Pérez": "not started, overdue", "Done Early": "completed"}
    learner_page = client.get(f"/manage/cohorts/{edition.cohort.id}/learners/{edition.learner.id}")
    assert "Due in this cohort" in learner_page.get_data(as_text=True)
