"""A cohort with an instructor and learners, and helpers to set its due dates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pytest
from flask import Flask

from lms.cohorts import services as cohorts
from lms.courses.cache import course_cache
from lms.db import db_session
from lms.deadlines import services
from lms.learning import services as learning
from lms.models import Cohort, Role, User

MODULE = "understanding-migration"
ZONE = "America/Argentina/Buenos_Aires"
SITE = "http://cursos.example.org/lms"
RIGHT = {"m1-q1": "1951", "m1-q2": True}


@dataclass
class Edition:
    cohort: Cohort
    runner: User
    learner: User
    version_id: int


@pytest.fixture
def edition(app: Flask, make_user: Callable[..., User], course_version: int) -> Edition:
    """A cohort run by an instructor (English interface) with one learner (Spanish)."""
    runner = make_user(role=Role.INSTRUCTOR, ui_language="en", name="Instructor")
    learner = make_user(name="Ana Pérez")
    with app.app_context():
        cohort = cohorts.create_cohort(db_session(), "Edición 2027", created_by=runner)
        cohort.timezone = ZONE
        cohorts.enroll(db_session(), learner, cohort)
        db_session().commit()
    return Edition(cohort, runner, learner, course_version)


def set_deadline(
    app: Flask, cohort: Cohort, due_at: datetime, *, closes: bool = False, actor: User
) -> None:
    """Give the cohort's module a due date, as the deadlines form does."""
    with app.app_context():
        session = db_session()
        change = services.DeadlineChange(MODULE, due_at, closes)
        services.save_deadlines(session, cohort, [change], actor_id=actor.id, site_url=SITE)
        session.commit()


def complete_module(app: Flask, user: User, version_id: int) -> None:
    """The learner reads the lesson and passes the quiz."""
    with app.app_context():
        session = db_session()
        module = course_cache().get(session, version_id).module(MODULE)
        assert module is not None
        learning.complete_lesson(session, user.id, MODULE, "key-concepts", version_id)
        submission = learning.Submission(f"done-{user.id}", version_id, "es", RIGHT)
        learning.submit_quiz(session, user.id, module, submission)
        session.commit()
