"""The audit trail: who did what and when, for content, cohorts, grades and accounts.

Details never hold a password, a token or a link carrying one: only ids, addresses, reasons
and the values that changed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, or_, select
from sqlalchemy.orm import Session

from lms.models import AuditEvent, User, normalize_email

# Actions about the course content, which every member of staff may read.
CONTENT_AREAS = ("course.", "draft.", "module.", "lesson.")
PAGE_SIZE = 50


def record(
    session: Session, actor_id: int | None, action: str, target: str = "", **detail: Any
) -> None:
    """Add an audit event to the session; it is committed with the write it describes."""
    session.add(AuditEvent(actor_id=actor_id, action=action, target=target[:500], detail=detail))


def recent(
    session: Session, limit: int = 200, *, cohorts: Collection[int] | None = None
) -> list[tuple[AuditEvent, str | None]]:
    """The latest audit events with the name of who acted, newest first.

    With `cohorts`, only content events and the events of those cohorts (what an instructor
    may see); without, every event.
    """
    query = _with_names()
    if cohorts is not None:
        query = query.where(or_(_content(), *(_of_cohort(cohort) for cohort in cohorts)))
    rows = session.execute(query.order_by(AuditEvent.id.desc()).limit(limit))
    return [(event, name) for event, name in rows]


def _with_names() -> Select[AuditEvent, str]:
    return select(AuditEvent, User.name).outerjoin(User, User.id == AuditEvent.actor_id)


def _content() -> ColumnElement[bool]:
    return or_(*(AuditEvent.action.startswith(area) for area in CONTENT_AREAS))


def _of_cohort(cohort_id: int) -> ColumnElement[bool]:
    """Events whose target is the cohort or something in it: "cohort 3", "cohort 3 user 7"."""
    mark = f"cohort {cohort_id}"
    return or_(AuditEvent.target == mark, AuditEvent.target.like(f"{mark} %"))


@dataclass(frozen=True)
class Filters:
    """What the administrators' audit page asks for; empty fields filter nothing."""

    action: str = ""  # one action ("auth.sign_in") or an area ("auth.")
    actor_id: int | None = None
    since: date | None = None  # from the start of this day (UTC)
    until: date | None = None  # to the end of this day (UTC)
    page: int = 1


@dataclass(frozen=True)
class Page:
    """One page of matching events, newest first."""

    rows: list[tuple[AuditEvent, str | None]]
    total: int
    page: int
    pages: int


def search(session: Session, filters: Filters, per_page: int = PAGE_SIZE) -> Page:
    """The events matching `filters`, one page of them with the number of pages."""
    conditions: list[ColumnElement[bool]] = []
    if filters.action.endswith("."):
        conditions.append(AuditEvent.action.startswith(filters.action))
    elif filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.actor_id is not None:
        conditions.append(AuditEvent.actor_id == filters.actor_id)
    if filters.since is not None:
        conditions.append(AuditEvent.at >= _midnight(filters.since))
    if filters.until is not None:
        conditions.append(AuditEvent.at < _midnight(filters.until + timedelta(days=1)))
    total = session.scalar(select(func.count(AuditEvent.id)).where(*conditions)) or 0
    pages = max(1, -(-total // per_page))
    page = min(filters.page, pages)
    rows = session.execute(
        _with_names()
        .where(*conditions)
        .order_by(AuditEvent.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Page([(event, name) for event, name in rows], total, page, pages)


def actions(session: Session) -> list[str]:
    """Every action recorded so far, sorted, for the page's choice of filter."""
    return sorted(session.scalars(select(AuditEvent.action).distinct()))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


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


def has_acted(session: Session, user_id: int) -> bool:
    """Whether the account did anything the trail records (signing in is recorded)."""
    found = session.scalar(select(AuditEvent.id).where(AuditEvent.actor_id == user_id).limit(1))
    return found is not None


def forget_user(session: Session, user_id: int, addresses: Collection[str] = ()) -> None:
    """Delete the events about a deleted account: their details (reasons...) are about them.

    Failed sign-ins name no account, only the email typed: those typed with one of the
    account's `addresses` go too.
    """
    ids = [event.id for event, _name in about_user(session, user_id)]
    if addresses:
        failed = session.execute(
            select(AuditEvent.id, AuditEvent.detail).where(
                AuditEvent.action == "auth.sign_in_failed"
            )
        )
        ids += [
            id_
            for id_, detail in failed
            if normalize_email(str((detail or {}).get("email", ""))) in addresses
        ]
    if ids:
        session.execute(
            delete(AuditEvent)
            .where(AuditEvent.id.in_(ids))
            .execution_options(synchronize_session=False)
        )
