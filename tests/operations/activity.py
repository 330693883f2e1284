"""Learner activity written through the services, one commit per learner, as requests do."""

from __future__ import annotations

import orjson
from flask import Flask
from sqlalchemy import Connection, func, select, text

from lms.auth import services as accounts
from lms.courses.cache import course_cache
from lms.courses.services import publish
from lms.db import Base, db_session
from lms.learning import services as learning
from lms.models import Role
from tests.content.helpers import small_course

MODULE = "understanding-migration"
ANSWERS = {"m1-q1": "1951", "m1-q2": True}


def publish_small_course(app: Flask) -> int:
    """Publish the small test course; returns its version id."""
    with app.app_context():
        version_id = publish(db_session(), small_course()).version.id
        db_session().commit()
    return version_id


def record_learner(app: Flask, version_id: int, number: int) -> None:
    """A new learner reads the lesson, answers its check and submits the quiz: one commit."""
    with app.app_context():
        session = db_session()
        user = accounts.create_user(
            session,
            email=f"learner{number}@example.org",
            name=f"Learner {number}",
            password="correct horse battery",
            role=Role.LEARNER,
            ui_language="es",
            min_password_length=1,
        )
        session.flush()
        course = course_cache().get(session, version_id)
        module = course.module(MODULE)
        assert module is not None
        lesson = module.lessons[0]
        learning.complete_lesson(session, user.id, MODULE, lesson.slug, version_id)
        check = lesson.text("es").checks[0]
        learning.answer_check(session, user.id, check, check.correct_response(), version_id)
        submission = learning.Submission(f"submit-{number}", version_id, "es", ANSWERS)
        learning.submit_quiz(session, user.id, module, submission)
        session.commit()


def row_counts(connection: Connection) -> dict[str, int]:
    """Rows in every table of the schema, by table name."""
    return {
        table.name: connection.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


def inconsistencies(connection: Connection) -> list[str]:
    """What breaks "one learner, one completion, one check answer, one full attempt"."""
    problems: list[str] = []
    learners = connection.execute(
        text(
            "SELECT u.id,"
            " (SELECT count(*) FROM lesson_completions c WHERE c.user_id = u.id),"
            " (SELECT count(*) FROM check_answers a WHERE a.user_id = u.id),"
            " (SELECT count(*) FROM quiz_attempts q WHERE q.user_id = u.id)"
            " FROM users u WHERE u.role = 'learner'"
        )
    )
    for user_id, completions, answers, attempts in learners:
        if (completions, answers, attempts) != (1, 1, 1):
            problems.append(f"learner {user_id}: {completions}, {answers}, {attempts}")
    for attempt_id, responses, scores in connection.execute(
        text("SELECT id, responses, scores FROM quiz_attempts")
    ):
        if _json(responses) != ANSWERS or set(_json(scores)) != set(ANSWERS):
            problems.append(f"attempt {attempt_id}: answers {responses!r}, scores {scores!r}")
    problems.extend(dangling_references(connection))
    return problems


def dangling_references(connection: Connection) -> list[str]:
    """Foreign keys whose row is missing, one line per column with any."""
    problems = []
    for table in Base.metadata.sorted_tables:
        for key in table.foreign_keys:
            child, parent = key.parent, key.column
            orphans = connection.scalar(
                select(func.count())
                .select_from(table.outerjoin(parent.table, child == parent))
                .where(child.is_not(None), parent.is_(None))
            )
            if orphans:
                problems.append(f"{table.name}.{child.name}: {orphans} rows point nowhere")
    return problems


def _json(value: object) -> object:
    """A JSON column read with plain SQL: text on SQLite, decoded already on PostgreSQL."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value
