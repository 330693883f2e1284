"""The completions chart dates a module by the step that completed it, not by later activity."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from flask import Flask

from lms.cohorts import services as cohorts
from lms.courses.cache import course_cache
from lms.db import db_session
from lms.models import LessonCompletion, QuizAttempt, User
from lms.reports.progress import cohort_progress

MODULE = "understanding-migration"
PASSED_ON = datetime.fromisoformat("2026-11-04T10:00:00+00:00")  # a Wednesday


def _attempt(user: User, number: int, percent: float, at: datetime, version: int) -> QuizAttempt:
    return QuizAttempt(
        user_id=user.id,
        module_slug=MODULE,
        number=number,
        submission_token=f"t-{user.id}-{number}",
        version_id=version,
        lang="es",
        responses={},
        scores={},
        score=percent,
        max_score=100,
        percent=percent,
        passed=percent >= 70,
        submitted_at=at,
    )


def test_a_module_counts_in_the_week_it_was_completed(
    app: Flask, make_user: Callable[..., User], course_version: int
) -> None:
    learner = make_user()
    with app.app_context():
        session = db_session()
        cohort = cohorts.create_cohort(session, "Edición")
        cohorts.enroll(session, learner, cohort)
        read_at = PASSED_ON - timedelta(days=1)
        session.add(
            LessonCompletion(
                user_id=learner.id,
                module_slug=MODULE,
                lesson_slug="key-concepts",
                version_id=course_version,
                completed_at=read_at,
            )
        )
        # Failed first, passed on the Wednesday, then tried again for a better score weeks later.
        for number, (percent, at) in enumerate(
            [
                (40.0, PASSED_ON - timedelta(hours=2)),
                (80.0, PASSED_ON),
                (100.0, PASSED_ON + timedelta(days=20)),
            ],
            start=1,
        ):
            session.add(_attempt(learner, number, percent, at, course_version))
        session.commit()
        course = course_cache().get(session, course_version)
        report = cohort_progress(session, cohort, course)
    [cell] = report.rows[0].cells
    assert cell.completed_at == PASSED_ON
    assert cell.last_activity == PASSED_ON + timedelta(days=20)
    assert report.completions_by_week == ((date(2026, 11, 2), 1),)
