"""The outbox table's rules: queue a message, claim due ones, record how delivery went.

A message is queued in the same transaction as what it announces, so it exists exactly when
that does. Claiming marks messages "sending" with a deadline in one transaction that only one
worker can hold (FOR UPDATE SKIP LOCKED on PostgreSQL, BEGIN IMMEDIATE on SQLite), so two
workers never send the same message; a worker that dies mid-send leaves a claim that expires
and the message is tried again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from lms.db import lock_for_write
from lms.mail.backoff import MAX_ATTEMPTS, next_attempt_delay
from lms.mail.message import OutgoingMail
from lms.models import MailStatus, OutboxMessage
from lms.models.types import utcnow

# Longer than any delivery can take (the SMTP timeout bounds it), short enough to retry soon.
CLAIM_FOR = timedelta(minutes=5)
ERROR_LENGTH = 300


def enqueue(session: Session, mail: OutgoingMail, kind: str) -> OutboxMessage:
    """Queue a message; it is sent after the caller's transaction commits."""
    message = OutboxMessage(
        kind=kind, recipient=mail.to, subject=mail.subject, text=mail.text, html=mail.html
    )
    session.add(message)
    session.flush()
    return message


def claim_due(session: Session, *, limit: int = 20, now: datetime | None = None) -> list[int]:
    """Take up to `limit` messages that are due (or whose claim expired); returns their ids.

    Starts its own transaction; the caller commits right after, before sending anything.
    """
    now = now or utcnow()
    lock_for_write(session)
    due = (
        select(OutboxMessage.id)
        .where(
            or_(
                (OutboxMessage.status == MailStatus.PENDING)
                & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == MailStatus.SENDING) & (OutboxMessage.claimed_until < now),
            )
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(session.scalars(due))
    if ids:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(status=MailStatus.SENDING, claimed_until=now + CLAIM_FOR)
            .execution_options(synchronize_session=False)
        )
    return ids


def record_sent(session: Session, message_id: int) -> None:
    """The server accepted the message."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(
            status=MailStatus.SENT,
            attempts=OutboxMessage.attempts + 1,
            sent_at=utcnow(),
            claimed_until=None,
            last_error="",
        )
        .execution_options(synchronize_session=False)
    )


def record_failure(
    session: Session, message_id: int, attempts_before: int, reason: str, *, permanent: bool
) -> MailStatus:
    """Count a failed attempt: retry later with backoff, or give up; returns the new status."""
    attempts = attempts_before + 1
    gave_up = permanent or attempts >= MAX_ATTEMPTS
    status = MailStatus.FAILED if gave_up else MailStatus.PENDING
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(
            status=status,
            attempts=attempts,
            claimed_until=None,
            last_error=reason[:ERROR_LENGTH],
            next_attempt_at=utcnow() + next_attempt_delay(attempts, seed=message_id),
        )
        .execution_options(synchronize_session=False)
    )
    return status


def retry_now(session: Session, message_id: int) -> None:
    """Send a failed (or waiting) message again at the next pass of the worker."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status != MailStatus.SENT)
        .values(status=MailStatus.PENDING, next_attempt_at=utcnow(), claimed_until=None)
        .execution_options(synchronize_session=False)
    )
