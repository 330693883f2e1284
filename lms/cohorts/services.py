"""Cohort rules: creating cohorts, invitation links and enrollment.

Services change objects and flush; the calling view or command commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms import audit
from lms.db import insert_or_ignore
from lms.models import Certificate, Cohort, CohortInstructor, Enrollment, Role, User


@dataclass(frozen=True)
class CohortSummary:
    """A cohort with the number of people enrolled."""

    cohort: Cohort
    members: int


@dataclass(frozen=True)
class Member:
    """A person enrolled in a cohort, and since when."""

    user: User
    enrolled_at: datetime
    active: bool = True
    certified: bool = False


def new_invite_token() -> str:
    """Return an unguessable token for an invitation link."""
    return secrets.token_urlsafe(24)


def create_cohort(
    session: Session, name: str, starts_on: date | None = None, created_by: User | None = None
) -> Cohort:
    """Create a cohort with a fresh invitation link; an instructor who creates it runs it."""
    cohort = Cohort(name=name.strip(), starts_on=starts_on, invite_token=new_invite_token())
    session.add(cohort)
    session.flush()
    if created_by is not None and created_by.role == Role.INSTRUCTOR:
        add_instructor(session, cohort, created_by)
    return cohort


def add_instructor(session: Session, cohort: Cohort, user: User) -> None:
    """Let an instructor run a cohort (adding them twice changes nothing)."""
    session.execute(
        insert_or_ignore(
            session,
            CohortInstructor,
            {"cohort_id": cohort.id, "user_id": user.id},
            ["cohort_id", "user_id"],
        )
    )


def instructors_of(session: Session, cohort: Cohort) -> list[User]:
    """The instructors who run a cohort, by name."""
    return list(
        session.scalars(
            select(User)
            .join(CohortInstructor, CohortInstructor.user_id == User.id)
            .where(CohortInstructor.cohort_id == cohort.id)
            .order_by(User.name)
        )
    )


def runs(session: Session, user: User, cohort: Cohort) -> bool:
    """Whether `user` may manage `cohort`: administrators run every cohort."""
    if user.role == Role.ADMIN:
        return True
    return (
        session.scalar(
            select(CohortInstructor.id).where(
                CohortInstructor.cohort_id == cohort.id, CohortInstructor.user_id == user.id
            )
        )
        is not None
    )


def cohort_ids_run_by(session: Session, user: User) -> list[int]:
    """The ids of the cohorts `user` is an instructor of."""
    return list(
        session.scalars(
            select(CohortInstructor.cohort_id).where(CohortInstructor.user_id == user.id)
        )
    )


def regenerate_invite(session: Session, cohort: Cohort, actor_id: int | None) -> None:
    """Replace the invitation link; the old link stops working."""
    cohort.invite_token = new_invite_token()
    # The target names the cohort; the link itself is a secret and is never recorded.
    audit.record(session, actor_id, "cohort.invite_link", f"cohort {cohort.id}")
    session.flush()


def get_cohort(session: Session, cohort_id: int) -> Cohort | None:
    """Return the cohort with this id, or None."""
    return session.get(Cohort, cohort_id)


def find_by_token(session: Session, token: str) -> Cohort | None:
    """Return the cohort whose invitation link carries `token`, or None."""
    return session.scalar(select(Cohort).where(Cohort.invite_token == token))


def list_cohorts(session: Session, viewer: User) -> list[CohortSummary]:
    """The cohorts `viewer` runs (all, for administrators) with member counts, in one query."""
    members = func.count(Enrollment.id)
    query = (
        select(Cohort, members)
        .outerjoin(Enrollment, Enrollment.cohort_id == Cohort.id)
        .group_by(Cohort.id)
        .order_by(Cohort.created_at.desc(), Cohort.id.desc())
    )
    if viewer.role != Role.ADMIN:
        query = query.where(
            Cohort.id.in_(
                select(CohortInstructor.cohort_id).where(CohortInstructor.user_id == viewer.id)
            )
        )
    rows = session.execute(query)
    return [CohortSummary(cohort=cohort, members=count) for cohort, count in rows]


def members_of(session: Session, cohort: Cohort) -> list[Member]:
    """Return the people enrolled in `cohort`, by name, in one query."""
    rows = session.execute(
        select(User, Enrollment.enrolled_at, Enrollment.active, Certificate.id)
        .join(Enrollment, Enrollment.user_id == User.id)
        .outerjoin(Certificate, Certificate.user_id == User.id)
        .where(Enrollment.cohort_id == cohort.id)
        .order_by(User.name, User.id)
    )
    return [
        Member(user, enrolled_at, active, certificate is not None)
        for user, enrolled_at, active, certificate in rows
    ]


class MoveRefused(Exception):
    """A learner cannot be moved there: `reason` is "same" (already there) or "enrolled"."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def enrollment_of(session: Session, cohort: Cohort, user_id: int) -> Enrollment | None:
    """The learner's enrollment in `cohort`, if any."""
    return session.scalars(
        select(Enrollment).where(Enrollment.cohort_id == cohort.id, Enrollment.user_id == user_id)
    ).first()


def set_active(session: Session, enrollment: Enrollment, active: bool, actor_id: int) -> None:
    """Deactivate (records kept, left out of reports) or reactivate a learner in a cohort."""
    enrollment.active = active
    audit.record(
        session,
        actor_id,
        "enrollment.activate" if active else "enrollment.deactivate",
        f"cohort {enrollment.cohort_id} user {enrollment.user_id}",
    )
    session.flush()


def move(session: Session, enrollment: Enrollment, target: Cohort, actor_id: int) -> None:
    """Move a learner to another cohort; their progress is theirs and goes with them."""
    if target.id == enrollment.cohort_id:
        raise MoveRefused("same")
    if enrollment_of(session, target, enrollment.user_id) is not None:
        raise MoveRefused("enrolled")
    source = enrollment.cohort_id
    enrollment.cohort_id = target.id
    audit.record(
        session,
        actor_id,
        "enrollment.move",
        f"user {enrollment.user_id}",
        from_cohort=source,
        to_cohort=target.id,
    )
    session.flush()


def cohorts_of(session: Session, user: User) -> list[Cohort]:
    """Return the cohorts `user` is enrolled in, oldest enrollment first."""
    return list(
        session.scalars(
            select(Cohort)
            .join(Enrollment, Enrollment.cohort_id == Cohort.id)
            .where(Enrollment.user_id == user.id)
            .order_by(Enrollment.enrolled_at, Enrollment.id)
        )
    )


def is_enrolled(session: Session, user: User, cohort: Cohort) -> bool:
    """Return True if `user` is a member of `cohort`."""
    found = session.scalar(
        select(Enrollment.id).where(
            Enrollment.user_id == user.id, Enrollment.cohort_id == cohort.id
        )
    )
    return found is not None


def enroll(session: Session, user: User, cohort: Cohort) -> bool:
    """Enroll `user` in `cohort`; return False if already enrolled (a double click is harmless)."""
    statement = insert_or_ignore(
        session,
        Enrollment,
        {"user_id": user.id, "cohort_id": cohort.id},
        conflict_columns=["user_id", "cohort_id"],
    ).returning(Enrollment.id)
    return session.scalar(statement) is not None
