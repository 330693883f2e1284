"""Deleting an account at its owner's request: asked for with the password, decided by an admin.

Carrying a request out deletes the account row; the database deletes with it (ON DELETE
CASCADE) its enrollments, lesson completions, knowledge-check answers, quiz attempts, extra
attempts, deadline extensions and reminders, certificate, place in the course, pending email
change and the request itself, and leaves a NULL where the person appears as the author of
someone else's record (a grant they gave as an instructor, a course version they published).
Here the rest goes too: invitations sent to them, the mail sent to their addresses, and the
audit events about them. What stays is one audit event saying which account number was deleted,
when it had been asked for, and by whom it was carried out, and the mail telling them so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from lms import audit
from lms.auth import services
from lms.db import insert_or_ignore, lock_for_write
from lms.mail import outbox
from lms.mail.message import OutgoingMail
from lms.models import DeletionRequest, EmailChange, Invitation, OutboxMessage, Role, User
from lms.models.types import utcnow

DECLINED, DELETED = "account_declined", "account_deleted"  # outbox kinds


class NotPending(services.AccountError):
    """The request was withdrawn, declined or carried out meanwhile."""


def request_of(session: Session, user: User) -> DeletionRequest | None:
    """The account's deletion request, pending or declined."""
    return session.scalar(select(DeletionRequest).where(DeletionRequest.user_id == user.id))


def request_deletion(session: Session, user: User, password: str) -> DeletionRequest:
    """Record the request (once, however often it is sent); raises InvalidCredentials."""
    if not services.password_matches(user, password):
        raise services.InvalidCredentials()
    inserted = session.scalar(
        insert_or_ignore(
            session, DeletionRequest, {"user_id": user.id, "requested_at": utcnow()}, ["user_id"]
        ).returning(DeletionRequest.id)
    )
    request = session.scalar(
        select(DeletionRequest)
        .where(DeletionRequest.user_id == user.id)
        .execution_options(populate_existing=True)
    )
    assert request is not None
    if inserted is None and request.pending:
        return request  # sent twice: already recorded
    if inserted is None:  # declined before: asking again opens it anew
        request.requested_at = utcnow()
        request.declined_at, request.declined_by_id, request.decline_reason = None, None, ""
    audit.record(session, user.id, "account.deletion_request", f"user {user.id}")
    session.flush()
    return request


def withdraw(session: Session, user: User) -> bool:
    """Take back a pending request; False if there was none."""
    result = session.execute(
        delete(DeletionRequest)
        .where(DeletionRequest.user_id == user.id, DeletionRequest.declined_at.is_(None))
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return False
    audit.record(session, user.id, "account.deletion_withdraw", f"user {user.id}")
    return True


def pending_requests(session: Session) -> list[tuple[DeletionRequest, User]]:
    """Pending requests with their accounts, oldest first."""
    rows = session.execute(
        select(DeletionRequest, User)
        .join(User, User.id == DeletionRequest.user_id)
        .where(DeletionRequest.declined_at.is_(None))
        .order_by(DeletionRequest.requested_at, DeletionRequest.id)
    )
    return [(request, user) for request, user in rows]


def _lock_pending(session: Session, user_id: int) -> tuple[DeletionRequest, User]:
    """Lock and re-read the pending request of an account, or raise NotPending."""
    lock_for_write(session)
    request = session.scalar(
        select(DeletionRequest)
        .where(DeletionRequest.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    user = session.get(User, user_id, populate_existing=True)
    if request is None or not request.pending or user is None:
        raise NotPending()
    return request, user


def decline(
    session: Session,
    user_id: int,
    admin_id: int,
    reason: str,
    mail: Callable[[User, str], OutgoingMail],
) -> User:
    """Keep the account, telling its owner why by mail; raises NotPending."""
    request, user = _lock_pending(session, user_id)
    reason = " ".join(reason.split())[:500]
    request.declined_at, request.declined_by_id, request.decline_reason = utcnow(), admin_id, reason
    outbox.enqueue(session, mail(user, reason), DECLINED)
    audit.record(session, admin_id, "account.deletion_decline", f"user {user.id}", reason=reason)
    session.flush()
    return user


def carry_out(
    session: Session, user_id: int, admin_id: int, mail: Callable[[User], OutgoingMail]
) -> str:
    """Delete the account and its personal data; returns the name it had.

    Raises NotPending, or LastAdmin for the platform's only administrator.
    """
    request, user = _lock_pending(session, user_id)
    if user.role == Role.ADMIN:
        # Two administrators deleting each other at once must not both succeed (PostgreSQL;
        # SQLite already runs one writer at a time).
        session.execute(select(User.id).where(User.role == Role.ADMIN).with_for_update())
    if services.is_last_admin(session, user):
        raise services.LastAdmin()
    name, requested_at = user.name, request.requested_at
    goodbye = mail(user)  # written while the account's language is still known
    _forget_personal_data(session, user)
    session.execute(
        delete(User).where(User.id == user.id).execution_options(synchronize_session=False)
    )
    session.expunge(user)
    outbox.enqueue(session, goodbye, DELETED)
    audit.record(
        session,
        admin_id,
        "account.delete",
        f"user {user_id}",
        requested_at=_iso(requested_at),
    )
    session.flush()
    return name


def _forget_personal_data(session: Session, user: User) -> None:
    """What the cascades do not reach: invitations, mail and audit events about the person."""
    addresses = _addresses_of(session, user)
    session.execute(
        delete(Invitation)
        .where(or_(Invitation.accepted_by_id == user.id, Invitation.email.in_(addresses)))
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.recipient.in_(addresses))
        .execution_options(synchronize_session=False)
    )
    audit.forget_user(session, user.id, addresses)


def _addresses_of(session: Session, user: User) -> set[str]:
    """Every address the account had or was about to have, as far as the platform knows."""
    addresses = {user.email}
    pending = session.scalar(select(EmailChange.new_email).where(EmailChange.user_id == user.id))
    if pending:
        addresses.add(pending)
    for event, _name in audit.about_user(session, user.id):
        if event.action == "account.email":
            addresses.update(
                value for value in (event.detail or {}).values() if isinstance(value, str)
            )
    # An earlier or wished-for address may be another account's now: its mail is theirs.
    others = session.scalars(
        select(User.email).where(User.email.in_(addresses), User.id != user.id)
    )
    return addresses - set(others)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
