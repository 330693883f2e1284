"""What a learner does: finish lessons, answer checks, submit quizzes, earn the certificate."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import LoaderCallableStatus, Session

from lms.content import Course, Module
from lms.content.questions import Question
from lms.db import insert_or_ignore, upsert
from lms.deadlines.services import Due, dues_for_learner
from lms.learning.progress import course_complete, extra_attempts
from lms.models import Bookmark, Certificate, CheckAnswer, LessonCompletion, QuizAttempt, User
from lms.models.types import utcnow

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


class NoAttemptsLeft(Exception):
    """The learner has used every attempt the quiz allows."""


class QuizClosed(Exception):
    """The learner's due date for the module has passed and the cohort closes the quiz then."""

    def __init__(self, due: Due) -> None:
        self.due = due
        super().__init__(due.at.isoformat())


class AttemptConflict(Exception):
    """Another attempt took the same number at the same moment; submitting again works."""


def complete_lesson(
    session: Session, user_id: int, module_slug: str, lesson_slug: str, version_id: int
) -> None:
    """Record a finished lesson; finishing it again changes nothing."""
    session.execute(
        insert_or_ignore(
            session,
            LessonCompletion,
            {
                "user_id": user_id,
                "module_slug": module_slug,
                "lesson_slug": lesson_slug,
                "version_id": version_id,
                "completed_at": utcnow(),
            },
        )
    )


def remember_place(session: Session, user: User, module_slug: str, lesson_slug: str | None) -> None:
    """Keep where the learner is, for "continue where you left off".

    Reading the same page again writes nothing (`updated_at` is when the place last changed):
    on SQLite every write waits for the one writer and its commit for the disk. The place
    loaded with the account (identity.load_user) settles most reads without a statement; the
    upsert's own check covers a place another request changed meanwhile.
    """
    known = place_of(session, user)
    if known is not None and (known.module_slug, known.lesson_slug) == (module_slug, lesson_slug):
        return
    session.execute(
        upsert(
            session,
            Bookmark,
            {"user_id": user.id},
            {"module_slug": module_slug, "lesson_slug": lesson_slug, "updated_at": utcnow()},
            unless_same=("module_slug", "lesson_slug"),
        )
    )


def place_of(session: Session, user: User) -> Bookmark | None:
    """Where the learner last was: as loaded with the account (identity.load_user), or read now."""
    loaded = inspect(user).attrs.bookmark.loaded_value
    return session.get(Bookmark, user.id) if loaded is LoaderCallableStatus.NO_VALUE else loaded


def answer_check(
    session: Session, user_id: int, question: Question, response: Any, version_id: int
) -> None:
    """Grade a knowledge check and keep the learner's latest answer."""
    grade = question.grade(response)
    session.execute(
        upsert(
            session,
            CheckAnswer,
            {"user_id": user_id, "question_id": question.id},
            {
                "version_id": version_id,
                "response": response,
                "score": grade.score,
                "max_score": grade.max_score,
                "answered_at": utcnow(),
            },
        )
    )


def check_answers(session: Session, user_id: int, question_ids: list[str]) -> dict[str, Any]:
    """The learner's latest responses to these checks, by question id."""
    if not question_ids:
        return {}
    rows = session.execute(
        select(CheckAnswer.question_id, CheckAnswer.response).where(
            CheckAnswer.user_id == user_id, CheckAnswer.question_id.in_(question_ids)
        )
    )
    return {question_id: response for question_id, response in rows}


@dataclass(frozen=True)
class Submission:
    """A quiz form as submitted."""

    token: str
    version_id: int
    lang: str
    responses: dict[str, Any]


def submit_quiz(
    session: Session, user_id: int, module: Module, submission: Submission
) -> QuizAttempt:
    """Grade a quiz on the server and record the attempt exactly once per submitted form."""
    existing = session.scalars(
        select(QuizAttempt).where(
            QuizAttempt.submission_token == submission.token, QuizAttempt.user_id == user_id
        )
    ).first()
    if existing is not None:
        return existing  # a resent form: the first submission already counts
    due = dues_for_learner(session, user_id).get(module.slug)
    if due is not None and due.closes and due.passed():
        raise QuizClosed(due)
    quiz = module.quiz
    assert quiz is not None
    used = (
        session.scalar(
            select(func.count())
            .select_from(QuizAttempt)
            .where(QuizAttempt.user_id == user_id, QuizAttempt.module_slug == module.slug)
        )
        or 0
    )
    allowed = quiz.max_attempts + extra_attempts(session, user_id).get(module.slug, 0)
    if quiz.max_attempts and used >= allowed:
        raise NoAttemptsLeft
    questions = quiz.text(submission.lang).questions
    grades = {q.id: q.grade(submission.responses.get(q.id)) for q in questions}
    score = sum(g.score for g in grades.values())
    total = sum(g.max_score for g in grades.values())
    percent = round(100 * score / total, 2) if total else 0.0
    values = {
        "user_id": user_id,
        "module_slug": module.slug,
        "number": used + 1,
        "submission_token": submission.token,
        "version_id": submission.version_id,
        "lang": submission.lang,
        "responses": submission.responses,
        "scores": {qid: g.score for qid, g in grades.items()},
        "score": score,
        "max_score": total,
        "percent": percent,
        "passed": percent >= quiz.pass_mark,
        "submitted_at": utcnow(),
    }
    # The new row comes back from the insert itself; a row skipped by a unique key (the same
    # form sent twice at once, or a number taken by a racing attempt) is looked up instead.
    attempt = session.scalars(
        insert_or_ignore(session, QuizAttempt, values).returning(QuizAttempt)
    ).first()
    if attempt is None:
        attempt = session.scalars(
            select(QuizAttempt).where(QuizAttempt.submission_token == submission.token)
        ).first()
    if attempt is None or attempt.user_id != user_id:
        raise AttemptConflict
    return attempt


def attempt_by_number(
    session: Session, user_id: int, module_slug: str, number: int
) -> QuizAttempt | None:
    """One of the learner's own attempts."""
    return session.scalars(
        select(QuizAttempt).where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.module_slug == module_slug,
            QuizAttempt.number == number,
        )
    ).first()


def attempts_of(session: Session, user_id: int, module_slug: str) -> list[QuizAttempt]:
    """The learner's attempts at a module quiz, oldest first."""
    return list(
        session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user_id, QuizAttempt.module_slug == module_slug)
            .order_by(QuizAttempt.number)
        )
    )


def new_certificate_code() -> str:
    """A random, readable code such as K7QM-2XDA-9TPW."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def certificate_of(session: Session, user_id: int) -> Certificate | None:
    """The learner's certificate, if issued."""
    return session.scalars(select(Certificate).where(Certificate.user_id == user_id)).first()


def issue_certificate_if_complete(
    session: Session, user_id: int, course: Course, version_id: int
) -> None:
    """Issue the certificate once the whole pre-course is complete (only ever one per learner)."""
    if not course_complete(session, user_id, course):
        return
    session.execute(
        insert_or_ignore(
            session,
            Certificate,
            {
                "user_id": user_id,
                "code": new_certificate_code(),
                "version_id": version_id,
                "issued_at": utcnow(),
            },
        )
    )


def certificate_by_code(session: Session, code: str) -> Certificate | None:
    """The certificate with this public code (case and dashes as typed do not matter)."""
    cleaned = "".join(c for c in code.upper() if c.isalnum())
    if len(cleaned) != 12:
        return None
    formatted = "-".join(cleaned[i : i + 4] for i in range(0, 12, 4))
    return session.scalars(select(Certificate).where(Certificate.code == formatted)).first()
