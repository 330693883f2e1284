"""A cohort's participants: deactivated and moved by the cohort's instructors, audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms.cohorts import services
from lms.db import db_session
from lms.models import AuditEvent, Cohort, Enrollment, Role, User


def _setup(
    app: Flask, make_user: Callable[..., User], login: Callable[..., Any]
) -> tuple[FlaskClient, Cohort, Cohort, Cohort, User]:
    runner = make_user(role=Role.INSTRUCTOR, ui_language="en")
    learner = make_user(name="Lucía")
    stranger = make_user(role=Role.INSTRUCTOR)
    with app.app_context():
        session = db_session()
        first = services.create_cohort(session, "First", created_by=runner)
        second = services.create_cohort(session, "Second", created_by=runner)
        foreign = services.create_cohort(session, "Foreign", created_by=stranger)
        services.enroll(session, learner, first)
        session.commit()
    client = app.test_client()
    login(client, runner)
    return client, first, second, foreign, learner


def _enrollment(app: Flask, user: User) -> Enrollment:
    with app.app_context():
        return db_session().scalars(select(Enrollment).where(Enrollment.user_id == user.id)).one()


def test_a_participant_is_deactivated_reactivated_and_moved_with_an_audit_trail(
    app: Flask, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    client, first, second, _foreign, learner = _setup(app, make_user, login)
    base = f"/manage/cohorts/{first.id}/members/{learner.id}"
    assert client.post(f"{base}/active", data={"active": "no"}).status_code == 302
    assert _enrollment(app, learner).active is False
    assert "deactivated" in client.get(f"/manage/cohorts/{first.id}").get_data(as_text=True)
    client.post(f"{base}/active", data={"active": "yes"})
    assert _enrollment(app, learner).active is True
    moved = client.post(f"{base}/move", data={"target": str(second.id)})
    assert moved.headers["Location"] == f"/manage/cohorts/{second.id}"
    assert _enrollment(app, learner).cohort_id == second.id
    with app.app_context():
        actions = db_session().scalars(
            select(AuditEvent.action)
            .where(AuditEvent.action.startswith("enrollment."))
            .order_by(AuditEvent.id)
        ).all()
    assert actions == ["enrollment.deactivate", "enrollment.activate", "enrollment.move"]


def test_a_participant_cannot_be_moved_to_a_cohort_the_instructor_does_not_run(
    app: Flask, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    client, first, _second, foreign, learner = _setup(app, make_user, login)
    response = client.post(
        f"/manage/cohorts/{first.id}/members/{learner.id}/move", data={"target": str(foreign.id)}
    )
    assert response.status_code == 404
    assert _enrollment(app, learner).cohort_id == first.id
    assert (
        client.post(
            f"/manage/cohorts/{foreign.id}/members/{learner.id}/active", data={"active": "no"}
        ).status_code
        == 404
    )


def test_another_instructor_is_added_by_email_and_then_runs_the_cohort(
    app: Flask, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    client, first, _second, _foreign, learner = _setup(app, make_user, login)
    colleague = make_user(email="colega@example.org", role=Role.INSTRUCTOR, name="Colega")
    refused = client.post(f"/manage/cohorts/{first.id}/instructors", data={"email": learner.email})
    assert refused.status_code == 302
    client.post(f"/manage/cohorts/{first.id}/instructors", data={"email": "COLEGA@example.org"})
    other = app.test_client()
    login(other, colleague)
    page = other.get(f"/manage/cohorts/{first.id}").get_data(as_text=True)
    assert "Colega" in page and "Lucía" in page
