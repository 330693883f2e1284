"""Due dates: a cohort's per module, an instructor's extension for one learner, and which applies.

Services change objects and flush; the calling view or command commits.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BindParameter, Select, bindparam, func, select
from sqlalchemy.orm import Session, aliased

from lms import audit
from lms.models import Cohort, DeadlineExtension, Enrollment, ModuleDeadline, User
from lms.models.types import utcnow


@dataclass(frozen=True)
class Due:
    """When a learner must complete a module, in which zone it is shown, and what then."""

    at: datetime  # UTC
    zone: str
    closes: bool  # the quiz takes no attempt after it
    extended: bool = False  # an instructor moved it for this learner

    def passed(self, now: datetime | None = None) -> bool:
        """Whether the due date is behind us."""
        return (now or utcnow()) > self.at


@dataclass(frozen=True)
class DeadlineChange:
    """What the deadlines form asks for one module: a due date (None: none) and closing."""

    module_slug: str
    due_at: datetime | None
    closes: bool


class ExtensionRefused(ValueError):
    """An extension that cannot be recorded: `reason` names the rule it breaks."""

    def __init__(self, reason: str) -> None:
        self.reason = reason  # "reason" (none given), "no_deadline" or "not_later"
        super().__init__(reason)


def cohort_deadlines(session: Session, cohort: Cohort) -> dict[str, ModuleDeadline]:
    """The cohort's due dates by module slug."""
    rows = session.scalars(select(ModuleDeadline).where(ModuleDeadline.cohort_id == cohort.id))
    return {row.module_slug: row for row in rows}


def save_deadlines(
    session: Session,
    cohort: Cohort,
    changes: Sequence[DeadlineChange],
    *,
    actor_id: int,
    site_url: str,
) -> int:
    """Set, move or clear the cohort's due dates; returns how many changed (each audited)."""
    existing = cohort_deadlines(session, cohort)
    changed = 0
    for change in changes:
        row = existing.get(change.module_slug)
        target = f"cohort {cohort.id} module {change.module_slug}"
        if change.due_at is None:
            if row is not None:
                session.delete(row)
                audit.record(session, actor_id, "deadline.clear", target)
                changed += 1
            continue
        if row is not None and row.due_at == change.due_at and row.closes == change.closes:
            continue
        if row is None:
            row = ModuleDeadline(cohort_id=cohort.id, module_slug=change.module_slug)
            session.add(row)
        row.due_at, row.closes = change.due_at, change.closes
        row.set_by_id, row.site_url, row.updated_at = actor_id, site_url[:500], utcnow()
        audit.record(
            session,
            actor_id,
            "deadline.set",
            target,
            due_at=change.due_at.isoformat(),
            closes=change.closes,
        )
        changed += 1
    session.flush()
    return changed


def extend_deadline(
    session: Session,
    cohort: Cohort,
    user: User,
    module_slug: str,
    due_at: datetime,
    reason: str,
    actor_id: int,
) -> DeadlineExtension:
    """Give one learner a later due date for a module; the reason is required and kept."""
    reason = " ".join(reason.split())[:500]
    if not reason:
        raise ExtensionRefused("reason")
    deadline = cohort_deadlines(session, cohort).get(module_slug)
    if deadline is None:
        raise ExtensionRefused("no_deadline")
    if due_at <= deadline.due_at:
        raise ExtensionRefused("not_later")
    extension = DeadlineExtension(
        user_id=user.id,
        cohort_id=cohort.id,
        module_slug=module_slug,
        due_at=due_at,
        reason=reason,
        granted_by_id=actor_id,
    )
    session.add(extension)
    audit.record(
        session,
        actor_id,
        "deadline.extend",
        f"cohort {cohort.id} user {user.id} module {module_slug}",
        due_at=due_at.isoformat(),
        reason=reason,
    )
    session.flush()
    return extension


def extensions_of(
    session: Session, cohort: Cohort, user_id: int
) -> list[tuple[DeadlineExtension, str | None]]:
    """Every extension given to a learner in a cohort, oldest first, with the granter's name."""
    rows = session.execute(
        select(DeadlineExtension, User.name)
        .outerjoin(User, User.id == DeadlineExtension.granted_by_id)
        .where(DeadlineExtension.cohort_id == cohort.id, DeadlineExtension.user_id == user_id)
        .order_by(DeadlineExtension.id)
    )
    return [(extension, name) for extension, name in rows]


def latest_extensions(session: Session, **where: int) -> dict[tuple[int, int, str], datetime]:
    """The due date of the newest extension per (user, cohort, module), filtered by column."""
    newest = select(func.max(DeadlineExtension.id)).group_by(
        DeadlineExtension.user_id, DeadlineExtension.cohort_id, DeadlineExtension.module_slug
    )
    for column, value in where.items():
        newest = newest.where(getattr(DeadlineExtension, column) == value)
    rows = session.execute(
        select(
            DeadlineExtension.user_id,
            DeadlineExtension.cohort_id,
            DeadlineExtension.module_slug,
            DeadlineExtension.due_at,
        ).where(DeadlineExtension.id.in_(newest))
    )
    return {(user_id, cohort_id, slug): due for user_id, cohort_id, slug, due in rows}


def effective_due(cohort_due: datetime, extended_to: datetime | None) -> datetime:
    """The later of the cohort's due date and the learner's extension.

    An extension never shortens: when the whole cohort is later given more time than one
    learner had been granted, that learner gets the cohort's date.
    """
    return max(cohort_due, extended_to) if extended_to is not None else cohort_due


@functools.cache
def _dues_statement() -> Select[ModuleDeadline, str, datetime]:
    """The query of dues_for_learner, for the learner in the bound parameter `user_id`.

    Built once: putting its grouped subquery and alias together took about 1 ms per call,
    more than running it, and a quiz submission asks twice.
    """
    user_id: BindParameter[int] = bindparam("user_id")
    newest = (
        select(
            DeadlineExtension.cohort_id,
            DeadlineExtension.module_slug,
            func.max(DeadlineExtension.id).label("id"),
        )
        .where(DeadlineExtension.user_id == user_id)
        .group_by(DeadlineExtension.cohort_id, DeadlineExtension.module_slug)
        .subquery()
    )
    extension = aliased(DeadlineExtension)
    return (
        select(ModuleDeadline, Cohort.timezone, extension.due_at)
        .join(Cohort, Cohort.id == ModuleDeadline.cohort_id)
        .join(Enrollment, Enrollment.cohort_id == ModuleDeadline.cohort_id)
        .outerjoin(
            newest,
            (newest.c.cohort_id == ModuleDeadline.cohort_id)
            & (newest.c.module_slug == ModuleDeadline.module_slug),
        )
        .outerjoin(extension, extension.id == newest.c.id)
        .where(Enrollment.user_id == user_id, Enrollment.active.is_(True))
    )


def dues_for_learner(session: Session, user_id: int) -> dict[str, Due]:
    """The due date that applies to a learner per module, in one query.

    A learner in several active cohorts gets the most generous of their due dates: being in
    a second edition must never close a quiz the first one still keeps open.
    """
    rows = session.execute(_dues_statement(), {"user_id": user_id})
    dues: dict[str, Due] = {}
    for deadline, zone, moved in rows:
        at = effective_due(deadline.due_at, moved)
        due = Due(at, zone, deadline.closes, at != deadline.due_at)
        current = dues.get(deadline.module_slug)
        if current is None or due.at > current.at:
            dues[deadline.module_slug] = due
    return dues
