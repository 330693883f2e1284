"""Due dates per cohort and extensions per learner: which applies, and the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from lms.cohorts import services as cohorts
from lms.db import db_session
from lms.deadlines import services
from lms.models import AuditEvent, DeadlineExtension, User
from lms.models.types import utcnow
from tests.deadlines.conftest import MODULE, SITE, ZONE, Edition, set_deadline


def _actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db_session().scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_setting_moving_and_clearing_a_due_date_is_audited(app: Flask, edition: Edition) -> None:
    due = utcnow() + timedelta(days=10)
    with app.app_context():
        session = db_session()
        cohort = session.merge(edition.cohort)
        set_it = [services.DeadlineChange(MODULE, due, True)]
        actor = edition.runner.id
        assert services.save_deadlines(session, cohort, set_it, actor_id=actor, site_url=SITE) == 1
        assert services.save_deadlines(session, cohort, set_it, actor_id=actor, site_url=SITE) == 0
        saved = services.cohort_deadlines(session, cohort)[MODULE]
        assert (saved.due_at, saved.closes, saved.site_url) == (due, True, SITE)
        clear = [services.DeadlineChange(MODULE, None, False)]
        assert services.save_deadlines(session, cohort, clear, actor_id=actor, site_url=SITE) == 1
        assert services.cohort_deadlines(session, cohort) == {}
        session.commit()
    assert [a for a in _actions(app) if a.startswith("deadline.")] == [
        "deadline.set",
        "deadline.clear",
    ]


def test_an_extension_needs_a_reason_a_deadline_and_a_later_date(
    app: Flask, edition: Edition
) -> None:
    due = utcnow() + timedelta(days=10)
    with app.app_context():
        session = db_session()
        cohort, learner = session.merge(edition.cohort), session.merge(edition.learner)
        with pytest.raises(services.ExtensionRefused) as refused:
            services.extend_deadline(
                session, cohort, learner, MODULE, due + timedelta(days=1), "ill", edition.runner.id
            )
        assert refused.value.reason == "no_deadline"
    set_deadline(app, edition.cohort, due, actor=edition.runner)
    with app.app_context():
        session = db_session()
        cohort, learner = session.merge(edition.cohort), session.merge(edition.learner)
        for at, reason, why in [
            (due + timedelta(days=1), "   ", "reason"),
            (due, "travel", "not_later"),
            (due - timedelta(days=1), "travel", "not_later"),
        ]:
            with pytest.raises(services.ExtensionRefused) as refused:
                services.extend_deadline(
                    session, cohort, learner, MODULE, at, reason, edition.runner.id
                )
            assert refused.value.reason == why
        services.extend_deadline(
            session,
            cohort,
            learner,
            MODULE,
            due + timedelta(days=3),
            " Mission  abroad ",
            edition.runner.id,
        )
        session.commit()
        kept = session.scalars(select(DeadlineExtension)).one()
        assert kept.reason == "Mission abroad"
    assert _actions(app)[-1] == "deadline.extend"


def test_the_newest_extension_applies_and_never_shortens_the_cohorts_date(
    app: Flask, edition: Edition
) -> None:
    due = utcnow() + timedelta(days=10)
    set_deadline(app, edition.cohort, due, closes=True, actor=edition.runner)
    with app.app_context():
        session = db_session()
        cohort, learner = session.merge(edition.cohort), session.merge(edition.learner)
        first = services.dues_for_learner(session, learner.id)[MODULE]
        assert (first.at, first.zone, first.closes, first.extended) == (due, ZONE, True, False)
        for days in (5, 2):  # a generous extension, then a correction to less
            services.extend_deadline(
                session,
                cohort,
                learner,
                MODULE,
                due + timedelta(days=days),
                "why",
                edition.runner.id,
            )
        session.commit()
        now_due = services.dues_for_learner(session, learner.id)[MODULE]
        assert (now_due.at, now_due.extended) == (due + timedelta(days=2), True)
    # The whole cohort then gets more time than the learner's extension gave.
    set_deadline(app, edition.cohort, due + timedelta(days=20), actor=edition.runner)
    with app.app_context():
        moved = services.dues_for_learner(db_session(), edition.learner.id)[MODULE]
        assert (moved.at, moved.extended) == (due + timedelta(days=20), False)


def test_a_learner_in_two_cohorts_gets_the_later_date_and_inactive_ones_do_not_count(
    app: Flask, edition: Edition, make_user: Callable[..., User]
) -> None:
    due = utcnow() + timedelta(days=10)
    set_deadline(app, edition.cohort, due, actor=edition.runner)
    with app.app_context():
        session = db_session()
        other = cohorts.create_cohort(session, "Applicants", created_by=edition.runner)
        cohorts.enroll(session, session.merge(edition.learner), other)
        session.commit()
    set_deadline(app, other, due + timedelta(days=7), closes=True, actor=edition.runner)
    with app.app_context():
        session = db_session()
        assert services.dues_for_learner(session, edition.learner.id)[MODULE].at == (
            due + timedelta(days=7)
        )
        enrollment = cohorts.enrollment_of(session, other, edition.learner.id)
        assert enrollment is not None
        cohorts.set_active(session, enrollment, False, edition.runner.id)
        session.commit()
        assert services.dues_for_learner(session, edition.learner.id)[MODULE].at == due
        stranger = make_user()
        assert services.dues_for_learner(session, stranger.id) == {}
