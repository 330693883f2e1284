"""The benchmark's database: created, bootstrapped as `lms serve` does, seeded in bulk, dropped.

Seeding goes through SQLAlchemy Core inserts of many rows at once (never through HTTP): users,
one cohort with its instructors and due dates, quiz attempts spread over the learners the way
a course fills up (most take a quiz once or twice, a few use every attempt) and the lessons
done before each attempted quiz. Every account shares one cheaply hashed password: the hash
names its own cost, and the benchmark times pages, not scrypt.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Connection, create_engine, insert, select, text
from werkzeug.security import generate_password_hash

from lms import create_app
from lms.bootstrap import bootstrap
from lms.content import Course, Module
from lms.courses.cache import course_cache
from lms.courses.services import current_version
from lms.db import db_session, get_engine
from lms.models import (
    AttemptGrant,
    Cohort,
    CohortInstructor,
    Enrollment,
    LessonCompletion,
    ModuleDeadline,
    QuizAttempt,
    Role,
    User,
)
from lms.models.types import utcnow

PASSWORD = "bench-password-long"
CHEAP_PASSWORD_METHOD = "scrypt:1024:8:1"
LEARNER = "learner%d@example.org"
INSTRUCTOR = "instructor%d@example.org"
POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
BATCH = 5000
# How many of a learner's attempts a quiz gets: none, one, two or all three (mean 1.67).
ATTEMPT_WEIGHTS = (0.10, 0.30, 0.43, 0.17)


@dataclass(frozen=True)
class SeedSize:
    """How much data: learners, the cohort's members among them, quiz attempts in all."""

    learners: int
    cohort: int
    attempts: int


@dataclass(frozen=True)
class Seeded:
    """What the scenarios need to know about the seeded database."""

    version_id: int
    cohort_id: int
    course: Course
    seconds: float
    rows: dict[str, int]

    @property
    def module(self) -> Module:
        """Module 1: its lesson, check and quiz are the single-page scenarios."""
        return self.course.modules[0]


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    """A new empty database of `kind` ("sqlite" or "postgresql"); its URL. Dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'bench.sqlite3'}"
        return
    name = f"lms_bench_{os.getpid()}"
    server = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def platform_app(url: str, instance: Path, content: Path) -> Flask:
    """The platform on `url`, as the server's environment configures it."""
    return create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": str(instance),
            "LMS_CONTENT_PATH": str(content),
        }
    )


def prepare(app: Flask) -> None:
    """What `lms serve` does first: migrations, a first admin, the course published."""
    bootstrap(app)


def _insert(connection: Connection, model: Any, rows: Sequence[dict[str, Any]]) -> int:
    """Insert `rows` in batches; returns how many."""
    for start in range(0, len(rows), BATCH):
        connection.execute(insert(model), rows[start : start + BATCH])
    return len(rows)


def _attempt_counts(rng: random.Random, learners: int, modules: int, target: int) -> list[int]:
    """Attempts per (learner, module), each 0 to 3, adding up to exactly `target`."""
    counts = rng.choices(range(4), weights=ATTEMPT_WEIGHTS, k=learners * modules)
    total = sum(counts)
    while total != target:
        slot = rng.randrange(len(counts))
        if total < target and counts[slot] < 3:
            counts[slot] += 1
            total += 1
        elif total > target and counts[slot] > 0:
            counts[slot] -= 1
            total -= 1
    return counts


def _answer_templates(module: Module, rng: random.Random) -> list[dict[str, Any]]:
    """A few graded answer sets for a quiz (from all wrong to all right) to draw attempts from."""
    assert module.quiz is not None
    questions = module.quiz.text("es").questions
    best = sum(q.points for q in questions)
    templates = []
    for ability in (0.3, 0.5, 0.7, 0.8, 0.9, 1.0):
        right = {q.id: rng.random() < ability for q in questions}
        scores = {q.id: q.points if right[q.id] else 0.0 for q in questions}
        score = sum(scores.values())
        templates.append(
            {
                "responses": {
                    q.id: q.correct_response() if right[q.id] else None for q in questions
                },
                "scores": scores,
                "score": score,
                "max_score": best,
                "percent": round(100 * score / best, 2),
                "passed": score / best >= module.quiz.pass_mark / 100,
            }
        )
    return templates


def seed(app: Flask, size: SeedSize, accounts: int, seed_number: int = 7) -> Seeded:
    """Fill the bootstrapped database; `accounts` learners and instructors sign in for the load.

    Learners 0 .. accounts-1 (members of the cohort) get unlimited attempts at module 1's quiz
    (an instructor's grant), so that every submission of a long run is graded and recorded.
    """
    rng = random.Random(seed_number)
    started = time.perf_counter()
    with app.app_context():
        session = db_session()
        version = current_version(session)
        assert version is not None, "bootstrap publishes the course first"
        course = course_cache().get(session, version.id)
        session.close()
    engine = get_engine(app)
    now = utcnow()
    password_hash = generate_password_hash(PASSWORD, method=CHEAP_PASSWORD_METHOD)
    rows: dict[str, int] = {}
    with engine.begin() as connection:
        people: list[dict[str, Any]] = [
            {"email": LEARNER % n, "name": f"Learner {n}", "role": Role.LEARNER}
            for n in range(size.learners)
        ] + [
            {"email": INSTRUCTOR % n, "name": f"Instructor {n}", "role": Role.INSTRUCTOR}
            for n in range(accounts)
        ]
        for person in people:
            person.update(password_hash=password_hash, created_at=now)
        rows["users"] = _insert(connection, User, people)
        ids = {email: id_ for email, id_ in connection.execute(select(User.email, User.id))}
        learners = [ids[LEARNER % n] for n in range(size.learners)]
        cohort_id = connection.scalar(
            insert(Cohort)
            .values(name="Edición 2027", invite_token="bench-cohort", created_at=now)
            .returning(Cohort.id)
        )
        assert cohort_id is not None
        rows["enrollments"] = _insert(
            connection,
            Enrollment,
            [
                {"user_id": u, "cohort_id": cohort_id, "enrolled_at": now}
                for u in learners[: size.cohort]
            ],
        )
        _insert(
            connection,
            CohortInstructor,
            [{"cohort_id": cohort_id, "user_id": ids[INSTRUCTOR % n]} for n in range(accounts)],
        )
        _insert(
            connection,
            ModuleDeadline,
            [
                {
                    "cohort_id": cohort_id,
                    "module_slug": m.slug,
                    "due_at": now + timedelta(days=30 + 14 * i),
                }
                | {"updated_at": now}
                for i, m in enumerate(course.modules)
            ],
        )
        quizzed = [m for m in course.modules if m.quiz is not None]
        counts = _attempt_counts(rng, size.learners, len(quizzed), size.attempts)
        templates = {m.slug: _answer_templates(m, rng) for m in quizzed}
        attempts: list[dict[str, Any]] = []
        completions: list[dict[str, Any]] = []
        for slot, count in enumerate(counts):
            if not count:
                continue
            user_id = learners[slot // len(quizzed)]
            module = quizzed[slot % len(quizzed)]
            for number in range(1, count + 1):
                attempts.append(
                    {
                        "user_id": user_id,
                        "module_slug": module.slug,
                        "number": number,
                        "submission_token": f"seed-{user_id}-{module.slug}-{number}",
                        "version_id": version.id,
                        "lang": "es",
                        "submitted_at": now,
                    }
                    | rng.choice(templates[module.slug])
                )
            completions.extend(
                {"user_id": user_id, "module_slug": module.slug, "lesson_slug": lesson.slug}
                | {"version_id": version.id, "completed_at": now}
                for lesson in module.lessons
            )
        rows["quiz_attempts"] = _insert(connection, QuizAttempt, attempts)
        rows["lesson_completions"] = _insert(connection, LessonCompletion, completions)
        rows["attempt_grants"] = _insert(
            connection,
            AttemptGrant,
            [
                {"user_id": learners[n], "module_slug": course.modules[0].slug}
                | {"extra": 1_000_000_000, "reason": "benchmark", "granted_at": now}
                for n in range(accounts)
            ],
        )
    if engine.dialect.name == "postgresql":
        # What autovacuum would soon do on a real server: statistics for the planner.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    return Seeded(version.id, cohort_id, course, time.perf_counter() - started, rows)
