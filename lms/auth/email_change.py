"""Changing the sign-in address: confirmed by a link sent to the new address, announced to the old.

The link is signed and names the account and the nonce of its pending change: asking again
replaces the nonce (older links stop working) and confirming deletes the change (the link works
once). It also expires, by its signature's age and by the stored request time.

Whether the new address already has an account is never said to the person asking: the answer
on the page and the notice to the old address are the same either way, and only the owner of
the new address learns, by mail, that it is taken.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms import audit
from lms.auth import services
from lms.auth.reset import RESEND_AFTER, lock_account, sent_recently
from lms.mail import outbox
from lms.mail.message import OutgoingMail
from lms.models import EmailChange, OutboxMessage, User, normalize_email
from lms.models.types import utcnow

VALID_FOR = timedelta(hours=24)
_SALT = "lms-email-change"
# Outbox kinds; the notice to the current address is what the request throttle counts.
CONFIRM, TAKEN, NOTICE = "email_confirm", "email_taken", "email_notice"


class SameAddress(services.AccountError):
    """The new address is the one the account already has."""


class TooSoon(services.AccountError):
    """A change was asked for within RESEND_AFTER; `wait` says how long until the next."""

    def __init__(self, wait: timedelta) -> None:
        super().__init__(f"another email change can be asked for in {wait}")
        self.wait = wait


@dataclass(frozen=True)
class Mails:
    """The three mails a request may queue, each written in its reader's language."""

    confirm: Callable[[User, str, str], OutgoingMail]  # (user, new address, token)
    taken: Callable[[User, str], OutgoingMail]  # (the account that has it, the address)
    notice: Callable[[User, str], OutgoingMail]  # (user, new address), to the current one


def _signer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_SALT)


def pending_change(session: Session, user: User) -> EmailChange | None:
    """The change waiting for confirmation, if any and not expired."""
    change = session.scalar(select(EmailChange).where(EmailChange.user_id == user.id))
    if change is None or change.requested_at <= utcnow() - VALID_FOR:
        return None
    return change


def request_change(
    session: Session, user: User, new_email: str, secret_key: str, mails: Mails
) -> EmailChange:
    """Record the new address and queue its mails; raises SameAddress or TooSoon."""
    new_email = normalize_email(new_email)
    if new_email == user.email:
        raise SameAddress(new_email)
    lock_account(session, user)
    _refuse_if_too_soon(session, user)
    change = _replace_pending(session, user, new_email)
    owner = services.find_user_by_email(session, new_email)
    if owner is None:
        token = str(_signer(secret_key).dumps({"u": user.id, "n": change.nonce}))
        outbox.enqueue(session, mails.confirm(user, new_email, token), CONFIRM)
    else:
        outbox.enqueue(session, mails.taken(owner, new_email), TAKEN)
    outbox.enqueue(session, mails.notice(user, new_email), NOTICE)
    return change


def _refuse_if_too_soon(session: Session, user: User) -> None:
    if not sent_recently(session, NOTICE, user.email):
        return
    last = session.scalar(
        select(OutboxMessage.created_at)
        .where(OutboxMessage.kind == NOTICE, OutboxMessage.recipient == user.email)
        .order_by(OutboxMessage.created_at.desc())
        .limit(1)
    )
    wait = (last + RESEND_AFTER - utcnow()) if last else RESEND_AFTER
    raise TooSoon(max(wait, timedelta(seconds=1)))


def _replace_pending(session: Session, user: User, new_email: str) -> EmailChange:
    session.execute(delete(EmailChange).where(EmailChange.user_id == user.id))
    change = EmailChange(user_id=user.id, new_email=new_email, nonce=secrets.token_urlsafe(16))
    session.add(change)
    session.flush()
    return change


def change_for(session: Session, token: str, secret_key: str) -> EmailChange | None:
    """The pending change a link confirms now, or None (forged, expired, replaced or used)."""
    try:
        data = _signer(secret_key).loads(token, max_age=int(VALID_FOR.total_seconds()))
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    change = session.scalar(select(EmailChange).where(EmailChange.user_id == data["u"]))
    if change is None or not secrets.compare_digest(change.nonce, str(data.get("n", ""))):
        return None
    if change.requested_at <= utcnow() - VALID_FOR:
        return None
    return change


def confirm(session: Session, change: EmailChange) -> User:
    """Give the account its new address and sign out every session; raises EmailTaken.

    Ending the sessions also ends every password-reset link sent to the old address (they
    carry the session version), so whoever still reads that mailbox cannot take the account.
    """
    user = session.get(User, change.user_id)
    assert user is not None
    old = user.email
    try:
        with session.begin_nested():
            user.email = change.new_email
            session.flush()
    except IntegrityError:
        raise services.EmailTaken(change.new_email) from None
    session.delete(change)
    services.end_all_sessions(session, user)
    audit.record(session, user.id, "account.email", f"user {user.id}", old=old, new=user.email)
    session.flush()
    return user


def cancel(session: Session, user: User) -> None:
    """Forget the pending change: its link stops working."""
    session.execute(delete(EmailChange).where(EmailChange.user_id == user.id))
