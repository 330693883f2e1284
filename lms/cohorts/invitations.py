"""Personal invitations from a learner list: check the list, invite, resend, revoke, accept.

Each invitation's email is queued in the outbox in the same transaction that creates it, so an
invitation exists exactly when its message does; the mail worker delivers it later.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lms import audit
from lms.cohorts.roster import Roster, RosterRow
from lms.db import insert_or_ignore
from lms.i18n import gettext as _
from lms.mail import outbox
from lms.mail.message import OutgoingMail
from lms.models import (
    Cohort,
    Enrollment,
    Invitation,
    MailStatus,
    OutboxMessage,
    RosterUpload,
    User,
)
from lms.models.types import utcnow

VALID_FOR = timedelta(days=30)

# Builds the invitation email for a person, in their language: (invitation, link) -> mail.
MailMaker = Callable[[Invitation, str], OutgoingMail]
# The address of an invitation's link, from its token.
LinkMaker = Callable[[str], str]


class InvitationUnusable(Exception):
    """An invitation link that was revoked, has expired or was used already; says which."""

    def __init__(self, state: str) -> None:
        self.state = state
        super().__init__(state)


@dataclass(frozen=True)
class RowCheck:
    """A row of the uploaded list, with everything that keeps it from being invited."""

    row: RosterRow
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """The row will be invited when the coordinator confirms."""
        return not self.problems


@dataclass(frozen=True)
class InvitationView:
    """An invitation as the coordinator's list shows it."""

    invitation: Invitation
    state: str
    delivery: MailStatus | None
    delivery_error: str


def check_rows(session: Session, cohort: Cohort, roster: Roster) -> list[RowCheck]:
    """Every row with its own problems plus "already enrolled" and "already invited"."""
    emails = [row.email for row in roster.rows if row.email]
    enrolled = set(
        session.scalars(
            select(User.email)
            .join(Enrollment, Enrollment.user_id == User.id)
            .where(Enrollment.cohort_id == cohort.id, User.email.in_(emails))
        )
    )
    invited = set(
        session.scalars(
            select(Invitation.email).where(
                Invitation.cohort_id == cohort.id, Invitation.email.in_(emails)
            )
        )
    )
    checks = []
    for row in roster.rows:
        problems = list(row.problems)
        if row.email in enrolled:
            problems.append(_("already enrolled in this cohort"))
        elif row.email in invited:
            problems.append(_("already invited to this cohort (resend it from the list)"))
        checks.append(RowCheck(row, tuple(problems)))
    return checks


def invite(
    session: Session,
    cohort: Cohort,
    rows: Sequence[RosterRow],
    *,
    default_language: str,
    invited_by: int,
    link: LinkMaker,
    mail: MailMaker,
) -> list[Invitation]:
    """Invite each row once (a row already invited is skipped) and queue its email."""
    created: list[Invitation] = []
    expires = utcnow() + VALID_FOR
    for row in rows:
        token = secrets.token_urlsafe(24)
        inserted = session.scalar(
            insert_or_ignore(
                session,
                Invitation,
                {
                    "cohort_id": cohort.id,
                    "email": row.email,
                    "name": row.name,
                    "country": row.country,
                    "institution": row.institution[:300],
                    "language": row.language or default_language,
                    "token": token,
                    "expires_at": expires,
                    "created_by_id": invited_by,
                    "created_at": utcnow(),
                },
                ["cohort_id", "email"],
            ).returning(Invitation.id)
        )
        if inserted is None:
            continue  # invited meanwhile (a second tab, a double click)
        invitation = session.get(Invitation, inserted)
        assert invitation is not None
        _send(session, invitation, link, mail)
        created.append(invitation)
    return created


def _send(session: Session, invitation: Invitation, link: LinkMaker, mail: MailMaker) -> None:
    message = outbox.enqueue(session, mail(invitation, link(invitation.token)), "invitation")
    invitation.message_id = message.id
    session.flush()


def resend(
    session: Session,
    invitation: Invitation,
    *,
    link: LinkMaker,
    mail: MailMaker,
    actor_id: int | None,
) -> None:
    """Send the invitation again, valid for another full period (a revoked one comes back)."""
    if invitation.accepted_at is not None:
        raise InvitationUnusable("accepted")
    invitation.expires_at = utcnow() + VALID_FOR
    invitation.revoked_at = None
    _send(session, invitation, link, mail)
    audit.record(session, actor_id, "invitation.resend", _target(invitation))


def revoke(session: Session, invitation: Invitation, actor_id: int | None) -> None:
    """Make the link stop working (an accepted invitation stays accepted)."""
    if invitation.accepted_at is None:
        invitation.revoked_at = utcnow()
        audit.record(session, actor_id, "invitation.revoke", _target(invitation))
        session.flush()


def _target(invitation: Invitation) -> str:
    # Neither the address (personal data kept after an account's deletion) nor the token.
    return f"cohort {invitation.cohort_id} invitation {invitation.id}"


def find(session: Session, token: str) -> Invitation | None:
    """The invitation with this token, if any."""
    return session.scalars(select(Invitation).where(Invitation.token == token)).first()


def usable_or_raise(invitation: Invitation) -> None:
    """InvitationUnusable unless the link may still be used."""
    state = invitation.state(utcnow())
    if state != "pending":
        raise InvitationUnusable(state)


def accept(session: Session, invitation: Invitation, user: User) -> bool:
    """Use the invitation once: enroll `user`; False if it was used at the same moment."""
    usable_or_raise(invitation)
    taken = session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=utcnow(), accepted_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if getattr(taken, "rowcount", 0) != 1:
        return False
    session.execute(
        insert_or_ignore(
            session,
            Enrollment,
            {"user_id": user.id, "cohort_id": invitation.cohort_id, "enrolled_at": utcnow()},
            ["user_id", "cohort_id"],
        )
    )
    session.refresh(invitation)
    return True


def invitations_of(session: Session, cohort: Cohort) -> list[InvitationView]:
    """The cohort's invitations with their state and the delivery status of their email."""
    now = utcnow()
    rows = session.execute(
        select(Invitation, OutboxMessage.status, OutboxMessage.last_error)
        .outerjoin(OutboxMessage, OutboxMessage.id == Invitation.message_id)
        .where(Invitation.cohort_id == cohort.id)
        .order_by(Invitation.name, Invitation.email)
    )
    return [
        InvitationView(invitation, invitation.state(now), status, error or "")
        for invitation, status, error in rows
    ]


def keep_upload(
    session: Session, cohort: Cohort, filename: str, data: bytes, user_id: int
) -> RosterUpload:
    """Keep an uploaded list until it is confirmed (the preview comes from it)."""
    upload = RosterUpload(
        cohort_id=cohort.id, filename=filename[:255], data=data, uploaded_by_id=user_id
    )
    session.add(upload)
    session.flush()
    return upload


def take_upload(session: Session, upload: RosterUpload) -> bool:
    """Mark a list as used; False if it was confirmed already (a double-clicked confirm)."""
    taken = session.execute(
        update(RosterUpload)
        .where(RosterUpload.id == upload.id, RosterUpload.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return getattr(taken, "rowcount", 0) == 1
