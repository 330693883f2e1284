"""One learner's record for their instructors: lessons, every attempt answer by answer, grants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import audit
from lms.content import Course
from lms.courses.cache import course_cache
from lms.models import AttemptGrant, LessonCompletion, QuizAttempt, User
from lms.reports.answers import answer_label, plain

MAX_EXTRA = 10


class GrantRefused(ValueError):
    """An extra-attempt grant that cannot be recorded: `reason` says which rule it breaks."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class AnswerLine:
    """One question of an attempt as the learner answered it."""

    question_id: str
    stem: str
    answer: str | None
    score: float | None
    points: float


@dataclass(frozen=True)
class AttemptView:
    """A submitted quiz with its answers."""

    attempt: QuizAttempt
    answers: tuple[AnswerLine, ...]


@dataclass(frozen=True)
class LearnerRecord:
    """Everything a cohort's instructor may see of one learner's work."""

    user: User
    lessons: dict[str, list[tuple[str, datetime]]]  # module slug -> (lesson title, completed at)
    attempts: dict[str, list[AttemptView]]  # module slug -> attempts in order
    grants: list[tuple[AttemptGrant, str | None]]  # with the granting person's name


def learner_record(session: Session, user: User, course: Course, lang: str) -> LearnerRecord:
    """The learner's lessons with dates, attempts with each answer, and attempts granted."""
    lessons: dict[str, list[tuple[str, datetime]]] = {}
    for module_slug, lesson_slug, done_at in session.execute(
        select(
            LessonCompletion.module_slug,
            LessonCompletion.lesson_slug,
            LessonCompletion.completed_at,
        )
        .where(LessonCompletion.user_id == user.id)
        .order_by(LessonCompletion.completed_at)
    ):
        module = course.module(module_slug)
        lesson = module.lesson(lesson_slug) if module else None
        title = lesson.text(lang).title if lesson else lesson_slug
        lessons.setdefault(module_slug, []).append((title, done_at))
    attempts: dict[str, list[AttemptView]] = {}
    for attempt in session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.user_id == user.id)
        .order_by(QuizAttempt.module_slug, QuizAttempt.number)
    ):
        taken = course_cache().get(session, attempt.version_id).module(attempt.module_slug)
        questions = taken.quiz.text(attempt.lang).questions if taken and taken.quiz else ()
        lines = tuple(
            AnswerLine(
                q.id,
                plain(q.stem_html),
                answer_label(q, (attempt.responses or {}).get(q.id)),
                (attempt.scores or {}).get(q.id),
                q.points,
            )
            for q in questions
        )
        attempts.setdefault(attempt.module_slug, []).append(AttemptView(attempt, lines))
    granted = session.execute(
        select(AttemptGrant, User.name)
        .outerjoin(User, User.id == AttemptGrant.granted_by_id)
        .where(AttemptGrant.user_id == user.id)
        .order_by(AttemptGrant.granted_at)
    )
    return LearnerRecord(user, lessons, attempts, [(g, name) for g, name in granted])


def grant_attempts(
    session: Session, user: User, module_slug: str, extra: int, reason: str, actor_id: int
) -> AttemptGrant:
    """Give a learner `extra` more attempts at a module quiz; the reason is required."""
    reason = " ".join(reason.split())
    if not reason:
        raise GrantRefused("reason")
    if not 1 <= extra <= MAX_EXTRA:
        raise GrantRefused("extra")
    grant = AttemptGrant(
        user_id=user.id,
        module_slug=module_slug,
        extra=extra,
        reason=reason[:500],
        granted_by_id=actor_id,
    )
    session.add(grant)
    audit.record(
        session,
        actor_id,
        "attempts.grant",
        f"user {user.id} module {module_slug}",
        extra=extra,
        reason=reason[:500],
    )
    session.flush()
    return grant
