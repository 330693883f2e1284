"""Cohort reports over HTTP: the progress table, its exports and the question analysis."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import select

from lms.cohorts import services as cohorts
from lms.courses.cache import course_cache
from lms.db import db_session
from lms.learning import services as learning
from lms.models import AuditEvent, Cohort, Enrollment, Invitation, Role, User
from lms.models.types import utcnow
from tests.conftest import StatementCounter

MODULE = "understanding-migration"


@dataclass
class Setting:
    cohort: Cohort
    runner: User
    passed: User
    failed: User
    left: User


def _learner(
    app: Flask,
    cohort: Cohort,
    user: User,
    *,
    answers: dict[str, Any] | None,
    version_id: int,
    country: str = "",
) -> None:
    with app.app_context():
        session = db_session()
        cohorts.enroll(session, user, cohort)
        if country:
            session.add(
                Invitation(
                    cohort_id=cohort.id,
                    email=user.email,
                    name=user.name,
                    country=country,
                    institution="Ministerio",
                    language="es",
                    token=f"t-{user.id}",
                    expires_at=utcnow(),
                    accepted_at=utcnow(),
                    accepted_by_id=user.id,
                )
            )
        if answers is not None:
            module = course_cache().get(session, version_id).module(MODULE)
            assert module is not None
            learning.complete_lesson(session, user.id, MODULE, "key-concepts", version_id)
            learning.submit_quiz(
                session,
                user.id,
                module,
                learning.Submission(f"token-{user.id}", version_id, "es", answers),
            )
        session.commit()


@pytest.fixture
def setting(app: Flask, make_user: Callable[..., User], course_version: int) -> Setting:
    runner = make_user(role=Role.INSTRUCTOR, ui_language="en")
    passed = make_user(name="José Núñez")
    failed = make_user(name='=HYPERLINK("http://evil")')
    left = make_user(name="Deactivated Person")
    with app.app_context():
        cohort = cohorts.create_cohort(db_session(), "Edición 2027", created_by=runner)
        db_session().commit()
    _learner(
        app,
        cohort,
        passed,
        answers={"m1-q1": "1951", "m1-q2": True},
        version_id=course_version,
        country="AR",
    )
    _learner(
        app,
        cohort,
        failed,
        answers={"m1-q1": "1960", "m1-q2": False},
        version_id=course_version,
        country="CL",
    )
    _learner(app, cohort, left, answers=None, version_id=course_version)
    with app.app_context():
        enrollment = cohorts.enrollment_of(db_session(), cohort, left.id)
        assert enrollment is not None
        enrollment.active = False
        db_session().commit()
    return Setting(cohort, runner, passed, failed, left)


@pytest.fixture
def staff(client: FlaskClient, setting: Setting, login: Callable[..., Any]) -> FlaskClient:
    login(client, setting.runner)
    return client


def test_the_table_shows_each_active_learner_per_module_with_filters(
    staff: FlaskClient, setting: Setting
) -> None:
    url = f"/manage/cohorts/{setting.cohort.id}/progress"
    page = staff.get(url).get_data(as_text=True)
    assert "José Núñez" in page and "Deactivated Person" not in page
    assert "best 100 %" in page and "best 0 %" in page
    assert "1 completed, 2 started" in page
    only = staff.get(url, query_string={"status": "completed"}).get_data(as_text=True)
    assert "José Núñez" in only and "HYPERLINK" not in only
    assert "HYPERLINK" in staff.get(url, query_string={"country": "CL"}).get_data(as_text=True)
    assert "José" not in staff.get(url, query_string={"q": "hyper"}).get_data(as_text=True)


@pytest.mark.parametrize("path", ["progress", f"items/{MODULE}", "responses.csv", "grades.csv"])
def test_reports_cost_the_same_queries_for_more_learners(
    app: Flask,
    staff: FlaskClient,
    setting: Setting,
    make_user: Callable[..., User],
    count_statements: StatementCounter,
    course_version: int,
    path: str,
) -> None:
    url = f"/manage/cohorts/{setting.cohort.id}/{path}"
    staff.get(url).get_data()
    count_statements.statements.clear()
    staff.get(url).get_data()
    few = count_statements.count
    for number in range(5):
        _learner(
            app,
            setting.cohort,
            make_user(name=f"More {number}"),
            answers={"m1-q1": "1951"},
            version_id=course_version,
        )
    count_statements.statements.clear()
    assert "More 4" in staff.get(url).get_data(as_text=True) or path.startswith("items")
    assert count_statements.count == few


def test_grades_download_as_csv_and_excel_with_accents_and_no_formulas(
    staff: FlaskClient, setting: Setting
) -> None:
    base = f"/manage/cohorts/{setting.cohort.id}/grades"
    text = staff.get(f"{base}.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["Name", "Email"]
    names = [row[0] for row in rows[1:]]
    assert "José Núñez" in names and '\'=HYPERLINK("http://evil")' in names
    sheet = load_workbook(io.BytesIO(staff.get(f"{base}.xlsx").data)).active
    values = [cell.value for cell in sheet["A"]]
    assert "José Núñez" in values
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_every_answer_downloads_one_row_each(staff: FlaskClient, setting: Setting) -> None:
    text = staff.get(f"/manage/cohorts/{setting.cohort.id}/responses.csv").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 4  # two attempts of two questions
    answers = {(r["Name"], r["Question"].split(":")[0]): r["Answer"] for r in rows}
    assert answers[("José Núñez", "m1-q1")] == "1951"
    assert answers[("José Núñez", "m1-q2")] == "true"


def test_the_question_analysis_shows_moodles_statistics(
    staff: FlaskClient, setting: Setting
) -> None:
    page = staff.get(f"/manage/cohorts/{setting.cohort.id}/items/{MODULE}").get_data(as_text=True)
    assert "m1-q1" in page and "Facility" in page
    assert "50.00" in page  # one of two right
    assert staff.get(f"/manage/cohorts/{setting.cohort.id}/items/nothing").status_code == 404


@pytest.mark.parametrize("path", ["progress", "grades.csv", "responses.xlsx", f"items/{MODULE}"])
def test_reports_are_for_the_cohorts_instructors_and_admins_only(
    app: Flask,
    setting: Setting,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    path: str,
) -> None:
    url = f"/manage/cohorts/{setting.cohort.id}/{path}"
    for role, status in ((Role.LEARNER, 403), (Role.INSTRUCTOR, 404), (Role.ADMIN, 200)):
        client = app.test_client()
        login(client, make_user(role=role))
        assert client.get(url).status_code == status


def test_enrollments_unchanged(app: Flask, setting: Setting) -> None:
    with app.app_context():
        assert db_session().query(Enrollment).count() == 3


def test_the_table_is_paged_while_totals_count_every_matching_learner(
    staff: FlaskClient, setting: Setting, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lms.reports import progress, views

    monkeypatch.setattr(progress, "PAGE_SIZE", 1)
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    url = f"/manage/cohorts/{setting.cohort.id}/progress"
    first = staff.get(url).get_data(as_text=True)
    second = staff.get(url, query_string={"page": "2"}).get_data(as_text=True)
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert ("José Núñez" in first) != ("José Núñez" in second)
    assert "1 completed, 2 started" in first and "1 completed, 2 started" in second
    grades = staff.get(f"/manage/cohorts/{setting.cohort.id}/grades.csv").data.decode("utf-8-sig")
    assert "José Núñez" in grades and "HYPERLINK" in grades  # exports are never paged


def test_a_learners_page_shows_lessons_and_answers_and_grants_attempts_with_a_reason(
    app: Flask, staff: FlaskClient, setting: Setting, course_version: int
) -> None:
    url = f"/manage/cohorts/{setting.cohort.id}/learners/{setting.failed.id}"
    page = staff.get(url).get_data(as_text=True)
    assert "Attempt 1" in page and "1960" in page and "2 attempts left." in page
    refused = staff.post(f"{url}/attempts", data={"module": MODULE, "extra": "2", "reason": " "})
    assert refused.status_code == 302
    assert "2 attempts left." in staff.get(url).get_data(as_text=True)
    staff.post(
        f"{url}/attempts",
        data={"module": MODULE, "extra": "2", "reason": "Connection failed during the quiz"},
    )
    page = staff.get(url).get_data(as_text=True)
    assert "4 attempts left." in page and "Connection failed during the quiz" in page
    with app.app_context():
        grants = select(AuditEvent).where(AuditEvent.action == "attempts.grant")
        event = db_session().scalars(grants).one()
        assert event.action == "attempts.grant" and event.detail["extra"] == 2
        module = course_cache().get(db_session(), course_version).module(MODULE)
        assert module is not None
        for number in range(2, 5):  # the quiz allows 3; the grant adds 2: attempts 2 to 5
            learning.submit_quiz(
                db_session(),
                setting.failed.id,
                module,
                learning.Submission(f"extra-{number}", course_version, "es", {}),
            )
        learning.submit_quiz(
            db_session(),
            setting.failed.id,
            module,
            learning.Submission("extra-5", course_version, "es", {}),
        )
        with pytest.raises(learning.NoAttemptsLeft):
            learning.submit_quiz(
                db_session(),
                setting.failed.id,
                module,
                learning.Submission("extra-6", course_version, "es", {}),
            )


def test_a_learner_outside_the_cohort_has_no_page_here(
    staff: FlaskClient, setting: Setting, make_user: Callable[..., User]
) -> None:
    stranger = make_user()
    url = f"/manage/cohorts/{setting.cohort.id}/learners/{stranger.id}"
    assert staff.get(url).status_code == 404
    assert (
        staff.post(
            f"{url}/attempts", data={"module": MODULE, "extra": "1", "reason": "x"}
        ).status_code
        == 404
    )
