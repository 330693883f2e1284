"""The audit trail: one row per write to course content, saying who did what and when."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.orm import Session

from lms.models import AuditEvent, User


def record(
    session: Session, actor_id: int | None, action: str, target: str = "", **detail: Any
) -> None:
    """Add an audit event to the session; it is committed with the write it describes."""
    session.add(AuditEvent(actor_id=actor_id, action=action, target=target[:500], detail=detail))


def recent(session: Session, limit: int = 200) -> list[tuple[AuditEvent, str | None]]:
    """The latest audit events with the name of who acted, newest first."""
    rows = session.execute(
        select(AuditEvent, User.name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    return [(event, name) for event, name in rows]


def _names_user(user_id: int) -> ColumnElement[bool]:
    """Events whose target names the account: "user 7", "cohort 3 user 7 module m1"..."""
    mark = f"user {user_id}"
    target = AuditEvent.target
    return or_(
        target == mark,
        target.like(f"{mark} %"),
        target.like(f"% {mark}"),
        target.like(f"% {mark} %"),
    )


def about_user(session: Session, user_id: int) -> list[tuple[AuditEvent, str | None]]:
    """Every event about one account (not what the account did to others), oldest first."""
    rows = session.execute(
        select(AuditEvent, User.name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(or_(_names_user(user_id), AuditEvent.action == "cohort.instructor"))
        .order_by(AuditEvent.id)
    )
    return [
        (event, name)
        for event, name in rows
        # Made an instructor of a cohort: the account is in the detail, not the target.
        if event.action != "cohort.instructor" or (event.detail or {}).get("instructor") == user_id
    ]


def forget_user(session: Session, user_id: int) -> None:
    """Delete the events about a deleted account: their details (reasons...) are about them."""
    ids = [event.id for event, _name in about_user(session, user_id)]
    if ids:
        session.execute(
            delete(AuditEvent)
            .where(AuditEvent.id.in_(ids))
            .execution_options(synchronize_session=False)
        )
