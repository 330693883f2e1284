"""The audit trail: one row per write to course content, saying who did what and when."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.models import AuditEvent


def record(
    session: Session, actor_id: int | None, action: str, target: str = "", **detail: Any
) -> None:
    """Add an audit event to the session; it is committed with the write it describes."""
    session.add(AuditEvent(actor_id=actor_id, action=action, target=target[:500], detail=detail))


def recent(session: Session, limit: int = 100) -> list[AuditEvent]:
    """The latest audit events, newest first."""
    return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)))
