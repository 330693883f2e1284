"""Reminder emails about due dates: who is due soon, who has missed one, each queued once.

Run by the mail worker every few minutes and by `lms reminders`. A reminder goes only to an
active member of the cohort who has not completed the module; the unique key of
DeadlineReminder (learner, cohort, module, kind, due date) makes queueing exactly-once however
many workers run, and a due date that moves earns one reminder of the new date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lms.content import Course, Module
from lms.db import insert_or_ignore
from lms.deadlines.services import Due, effective_due, latest_extensions
from lms.learning.progress import ModuleProgress
from lms.mail import outbox
from lms.mail.message import OutgoingMail
from lms.models import (
    Cohort,
    DeadlineReminder,
    Enrollment,
    LessonCompletion,
    ModuleDeadline,
    QuizAttempt,
    User,
)
from lms.models.types import utcnow

# A deadline missed longer ago than this is old news: setting a date in the past, or turning
# the notices on late, must not mail a whole cohort about it.
OVERDUE_NOTICE_WITHIN = timedelta(days=7)
SOON, OVERDUE = "soon", "overdue"


@dataclass(frozen=True)
class Reminder:
    """One learner to remind about one module's due date."""

    user: User
    cohort: Cohort
    module: Module
    kind: str  # SOON or OVERDUE
    due: Due
    lessons_done: int
    site_url: str  # where the instructor reached the platform when setting the date


MailWriter = Callable[[Reminder], OutgoingMail]


def kind_of(cohort: Cohort, due_at: datetime, now: datetime) -> str | None:
    """Which reminder (if any) a learner due at `due_at` is owed now."""
    days = cohort.remind_days_before
    if days > 0 and now < due_at <= now + timedelta(days=days):
        return SOON
    if cohort.remind_overdue and due_at <= now < due_at + OVERDUE_NOTICE_WITHIN:
        return OVERDUE
    return None


def queue_reminders(
    session: Session, course: Course, write: MailWriter, now: datetime | None = None
) -> int:
    """Queue every reminder owed now; returns how many were queued. The caller commits."""
    now = now or utcnow()
    deadlines = session.execute(
        select(ModuleDeadline, Cohort)
        .join(Cohort, Cohort.id == ModuleDeadline.cohort_id)
        .where(or_(Cohort.remind_days_before > 0, Cohort.remind_overdue.is_(True)))
        .order_by(ModuleDeadline.id)
    ).all()
    if not deadlines:
        return 0
    extended = latest_extensions(session)
    by_deadline: dict[tuple[int, str], dict[int, datetime]] = defaultdict(dict)
    for (user_id, cohort_id, slug), due_at in extended.items():
        by_deadline[(cohort_id, slug)][user_id] = due_at
    queued = 0
    for deadline, cohort in deadlines:
        module = course.module(deadline.module_slug)
        moved = by_deadline.get((cohort.id, deadline.module_slug), {})
        candidates = {deadline.due_at, *moved.values()}
        if module is None or not any(kind_of(cohort, at, now) for at in candidates):
            continue  # nobody in this cohort is owed anything about this module now
        queued += _queue_for_deadline(session, deadline, cohort, module, moved, write, now)
    return queued


def _queue_for_deadline(
    session: Session,
    deadline: ModuleDeadline,
    cohort: Cohort,
    module: Module,
    moved: dict[int, datetime],
    write: MailWriter,
    now: datetime,
) -> int:
    members = select(Enrollment.user_id).where(
        Enrollment.cohort_id == cohort.id, Enrollment.active.is_(True)
    )
    lessons: dict[int, set[str]] = defaultdict(set)
    for user_id, lesson_slug in session.execute(
        select(LessonCompletion.user_id, LessonCompletion.lesson_slug).where(
            LessonCompletion.user_id.in_(members),
            LessonCompletion.module_slug == module.slug,
        )
    ):
        lessons[user_id].add(lesson_slug)
    quizzes = {
        user_id: (count, best)
        for user_id, count, best in session.execute(
            select(QuizAttempt.user_id, func.count(), func.max(QuizAttempt.percent))
            .where(QuizAttempt.user_id.in_(members), QuizAttempt.module_slug == module.slug)
            .group_by(QuizAttempt.user_id)
        )
    }
    queued = 0
    for user in session.scalars(select(User).where(User.id.in_(members)).order_by(User.id)):
        due_at = effective_due(deadline.due_at, moved.get(user.id))
        kind = kind_of(cohort, due_at, now)
        if kind is None:
            continue
        attempts, best = quizzes.get(user.id, (0, None))
        progress = ModuleProgress(module, frozenset(lessons[user.id]), attempts, best)
        if progress.complete:
            continue
        due = Due(due_at, cohort.timezone, deadline.closes, due_at != deadline.due_at)
        reminder = Reminder(
            user, cohort, module, kind, due, progress.lessons_completed, deadline.site_url
        )
        if _queue_once(session, reminder, write):
            queued += 1
    return queued


def _queue_once(session: Session, reminder: Reminder, write: MailWriter) -> bool:
    """Claim the reminder's key, then queue its mail in the same transaction."""
    claimed = session.scalar(
        insert_or_ignore(
            session,
            DeadlineReminder,
            {
                "user_id": reminder.user.id,
                "cohort_id": reminder.cohort.id,
                "module_slug": reminder.module.slug,
                "kind": reminder.kind,
                "due_at": reminder.due.at,
                "queued_at": utcnow(),
            },
            ["user_id", "cohort_id", "module_slug", "kind", "due_at"],
        ).returning(DeadlineReminder.id)
    )
    if claimed is None:
        return False  # queued before, by this worker or another
    message = outbox.enqueue(session, write(reminder), f"reminder-{reminder.kind}")
    row = session.get(DeadlineReminder, claimed)
    assert row is not None
    row.message_id = message.id
    session.flush()
    return True
