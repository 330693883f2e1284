"""The audit trail: one row per write to course content, saying who did what and when."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
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
