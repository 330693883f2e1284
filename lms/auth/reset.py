"""Forgotten passwords: a signed link by email that works once and for two hours.

The link carries the account's session version, which setting a password bumps: once used
(or after any sign-out everywhere) it stops working, with nothing stored for it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.services import find_user_by_email
from lms.db import lock_for_write
from lms.mail import outbox
from lms.mail.message import OutgoingMail
from lms.models import OutboxMessage, User
from lms.models.types import utcnow

VALID_FOR = timedelta(hours=2)
# One reset email per address in this time, so the form cannot be used to flood a mailbox.
RESEND_AFTER = timedelta(minutes=10)
_SALT = "lms-password-reset"


def _signer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_SALT)


def token_for(user: User, secret_key: str) -> str:
    """A signed token naming the account and its current session version."""
    return str(_signer(secret_key).dumps({"u": user.id, "v": user.session_version}))


def user_for(session: Session, token: str, secret_key: str) -> User | None:
    """The account a token is valid for now, or None (forged, expired or used)."""
    try:
        data = _signer(secret_key).loads(token, max_age=int(VALID_FOR.total_seconds()))
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user = session.get(User, data.get("u"))
    if user is None or user.session_version != data.get("v"):
        return None
    return user


def request_reset(
    session: Session,
    email: str,
    secret_key: str,
    mail: Callable[[User, str], OutgoingMail],
) -> None:
    """Queue a reset email if the address has an account (the caller says the same either way)."""
    user = find_user_by_email(session, email)
    if user is not None:
        send_link(session, user, secret_key, mail)


def send_link(
    session: Session,
    user: User,
    secret_key: str,
    mail: Callable[[User, str], OutgoingMail],
) -> bool:
    """Queue a reset email for `user` unless one was queued within RESEND_AFTER; True if queued.

    Requests for one account are taken one at a time (the account's row is locked), so a double
    click, or two administrators at once, queue a single mail.
    """
    lock_account(session, user)
    if sent_recently(session, "password_reset", user.email):
        return False
    outbox.enqueue(session, mail(user, token_for(user, secret_key)), "password_reset")
    return True


def lock_account(session: Session, user: User) -> None:
    """Make concurrent read-then-write requests about one account wait for each other."""
    lock_for_write(session)  # SQLite: the whole database, for the rest of the transaction
    session.execute(select(User.id).where(User.id == user.id).with_for_update())  # PostgreSQL


def sent_recently(session: Session, kind: str, recipient: str) -> bool:
    """Whether a mail of `kind` to `recipient` was queued within RESEND_AFTER."""
    recent = session.scalar(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.kind == kind,
            OutboxMessage.recipient == recipient,
            OutboxMessage.created_at > utcnow() - RESEND_AFTER,
        )
        .limit(1)
    )
    return recent is not None
