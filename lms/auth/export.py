"""Everything the platform holds about one person, for them to download (JSON, or CSVs in a zip).

Every query here is filtered by the account's own id (or its own addresses); names of other
people appear only as who granted them something or acted on their account.
"""

from __future__ import annotations

import enum
import io
import zipfile
from collections.abc import Iterator, Mapping
from typing import Any

import orjson
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from lms import audit
from lms.models import (
    AttemptGrant,
    Bookmark,
    Certificate,
    CheckAnswer,
    Cohort,
    CohortInstructor,
    DeadlineExtension,
    DeadlineReminder,
    DeletionRequest,
    EmailChange,
    Enrollment,
    Invitation,
    LessonCompletion,
    OutboxMessage,
    QuizAttempt,
    User,
)
from lms.models.types import utcnow
from lms.reports.spreadsheets import csv_stream

Row = dict[str, Any]

# The columns of each kind of record, in the order the CSV files show them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "profile": (
        "id",
        "name",
        "email",
        "role",
        "ui_language",
        "content_language",
        "content_language_chosen",
        "created_at",
    ),
    "email_change": ("new_email", "requested_at"),
    "deletion_request": ("requested_at", "declined_at", "decline_reason"),
    "enrollments": ("cohort_id", "cohort", "enrolled_at", "active"),
    "cohorts_you_run": ("cohort_id", "cohort"),
    "lesson_completions": ("module", "lesson", "completed_at"),
    "knowledge_check_answers": ("question", "response", "score", "max_score", "answered_at"),
    "quiz_attempts": (
        "module",
        "number",
        "submitted_at",
        "language",
        "score",
        "max_score",
        "percent",
        "passed",
        "responses",
        "scores",
    ),
    "extra_attempts": ("module", "extra", "reason", "granted_by", "granted_at"),
    "deadline_extensions": ("cohort", "module", "due_at", "reason", "granted_by", "granted_at"),
    "deadline_reminders": ("cohort", "module", "kind", "due_at", "queued_at"),
    "certificates": ("code", "issued_at"),
    "place_in_course": ("module", "lesson", "updated_at"),
    "invitations": (
        "cohort",
        "email",
        "name",
        "country",
        "institution",
        "language",
        "created_at",
        "expires_at",
        "accepted_at",
    ),
    "emails": ("kind", "to", "subject", "status", "created_at", "sent_at"),
    "audit_events": ("at", "action", "target", "by", "detail"),
}
# Only in the CSV files: one row per question of each quiz attempt.
QUIZ_ANSWER_COLUMNS = ("module", "attempt", "question", "response", "score")


def personal_data(session: Session, user: User) -> dict[str, Any]:
    """Every record about `user`, by kind; single records are objects (or None), others lists."""
    return {
        "exported_at": utcnow(),
        "profile": _pick(user, COLUMNS["profile"]),
        "email_change": _one(session, EmailChange, user, COLUMNS["email_change"]),
        "deletion_request": _one(session, DeletionRequest, user, COLUMNS["deletion_request"]),
        "enrollments": _enrollments(session, user),
        "cohorts_you_run": _cohorts_run(session, user),
        "lesson_completions": _lessons(session, user),
        "knowledge_check_answers": _check_answers(session, user),
        "quiz_attempts": _attempts(session, user),
        "extra_attempts": _grants(session, user),
        "deadline_extensions": _extensions(session, user),
        "deadline_reminders": _reminders(session, user),
        "certificates": _certificates(session, user),
        "place_in_course": _place(session, user),
        "invitations": _invitations(session, user),
        "emails": _emails(session, user),
        "audit_events": _audit_events(session, user),
    }


def as_json(data: Mapping[str, Any]) -> bytes:
    """The data as indented UTF-8 JSON (times in ISO 8601 with their UTC offset)."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2)


def as_zip(data: Mapping[str, Any]) -> bytes:
    """A zip of one CSV per kind of record (UTF-8 with BOM, so spreadsheets read accents)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for kind, columns in COLUMNS.items():
            value = data[kind]
            rows = [value] if isinstance(value, dict) else value or []
            archive.writestr(f"{kind}.csv", _csv(columns, rows))
        archive.writestr("quiz_answers.csv", _csv(QUIZ_ANSWER_COLUMNS, _quiz_answers(data)))
    return buffer.getvalue()


def _csv(columns: tuple[str, ...], rows: list[Row] | Iterator[Row]) -> bytes:
    cells = ([_cell(row.get(column)) for column in columns] for row in rows)
    return b"".join(csv_stream(columns, cells))


def _cell(value: Any) -> object:
    """Nested answers and details as JSON text; spreadsheets.csv_stream neutralises formulas."""
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return value


def _quiz_answers(data: Mapping[str, Any]) -> Iterator[Row]:
    for attempt in data["quiz_attempts"]:
        responses, scores = attempt["responses"] or {}, attempt["scores"] or {}
        for question in sorted(set(responses) | set(scores)):
            yield {
                "module": attempt["module"],
                "attempt": attempt["number"],
                "question": question,
                "response": responses.get(question),
                "score": scores.get(question),
            }


def _pick(record: Any, columns: tuple[str, ...]) -> Row:
    return {column: _plain(getattr(record, column)) for column in columns}


def _plain(value: Any) -> Any:
    """Enums (role, mail status) as their stored text."""
    return value.value if isinstance(value, enum.Enum) else value


def _one(session: Session, model: Any, user: User, columns: tuple[str, ...]) -> Row | None:
    record = session.scalar(select(model).where(model.user_id == user.id))
    return None if record is None else _pick(record, columns)


def _enrollments(session: Session, user: User) -> list[Row]:
    rows = session.execute(
        select(Enrollment, Cohort.name)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(Enrollment.user_id == user.id)
        .order_by(Enrollment.enrolled_at, Enrollment.id)
    )
    return [
        {
            "cohort_id": enrollment.cohort_id,
            "cohort": name,
            "enrolled_at": enrollment.enrolled_at,
            "active": enrollment.active,
        }
        for enrollment, name in rows
    ]


def _cohorts_run(session: Session, user: User) -> list[Row]:
    rows = session.execute(
        select(Cohort.id, Cohort.name)
        .join(CohortInstructor, CohortInstructor.cohort_id == Cohort.id)
        .where(CohortInstructor.user_id == user.id)
        .order_by(Cohort.id)
    )
    return [{"cohort_id": cohort_id, "cohort": name} for cohort_id, name in rows]


def _lessons(session: Session, user: User) -> list[Row]:
    rows = session.scalars(
        select(LessonCompletion)
        .where(LessonCompletion.user_id == user.id)
        .order_by(LessonCompletion.completed_at, LessonCompletion.id)
    )
    return [
        {"module": row.module_slug, "lesson": row.lesson_slug, "completed_at": row.completed_at}
        for row in rows
    ]


def _check_answers(session: Session, user: User) -> list[Row]:
    rows = session.scalars(
        select(CheckAnswer)
        .where(CheckAnswer.user_id == user.id)
        .order_by(CheckAnswer.answered_at, CheckAnswer.id)
    )
    return [
        {
            "question": row.question_id,
            "response": row.response,
            "score": row.score,
            "max_score": row.max_score,
            "answered_at": row.answered_at,
        }
        for row in rows
    ]


def _attempts(session: Session, user: User) -> list[Row]:
    rows = session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.user_id == user.id)
        .order_by(QuizAttempt.module_slug, QuizAttempt.number)
    )
    return [
        {
            "module": row.module_slug,
            "number": row.number,
            "submitted_at": row.submitted_at,
            "language": row.lang,
            "score": row.score,
            "max_score": row.max_score,
            "percent": row.percent,
            "passed": row.passed,
            "responses": row.responses,
            "scores": row.scores,
        }
        for row in rows
    ]


def _grants(session: Session, user: User) -> list[Row]:
    granter = aliased(User)
    rows = session.execute(
        select(AttemptGrant, granter.name)
        .outerjoin(granter, granter.id == AttemptGrant.granted_by_id)
        .where(AttemptGrant.user_id == user.id)
        .order_by(AttemptGrant.granted_at, AttemptGrant.id)
    )
    return [
        {
            "module": grant.module_slug,
            "extra": grant.extra,
            "reason": grant.reason,
            "granted_by": name,
            "granted_at": grant.granted_at,
        }
        for grant, name in rows
    ]


def _extensions(session: Session, user: User) -> list[Row]:
    granter = aliased(User)
    rows = session.execute(
        select(DeadlineExtension, Cohort.name, granter.name)
        .join(Cohort, Cohort.id == DeadlineExtension.cohort_id)
        .outerjoin(granter, granter.id == DeadlineExtension.granted_by_id)
        .where(DeadlineExtension.user_id == user.id)
        .order_by(DeadlineExtension.granted_at, DeadlineExtension.id)
    )
    return [
        {
            "cohort": cohort,
            "module": extension.module_slug,
            "due_at": extension.due_at,
            "reason": extension.reason,
            "granted_by": name,
            "granted_at": extension.granted_at,
        }
        for extension, cohort, name in rows
    ]


def _reminders(session: Session, user: User) -> list[Row]:
    rows = session.execute(
        select(DeadlineReminder, Cohort.name)
        .join(Cohort, Cohort.id == DeadlineReminder.cohort_id)
        .where(DeadlineReminder.user_id == user.id)
        .order_by(DeadlineReminder.queued_at, DeadlineReminder.id)
    )
    return [
        {
            "cohort": cohort,
            "module": reminder.module_slug,
            "kind": reminder.kind,
            "due_at": reminder.due_at,
            "queued_at": reminder.queued_at,
        }
        for reminder, cohort in rows
    ]


def _certificates(session: Session, user: User) -> list[Row]:
    rows = session.scalars(select(Certificate).where(Certificate.user_id == user.id))
    return [{"code": row.code, "issued_at": row.issued_at} for row in rows]


def _place(session: Session, user: User) -> Row | None:
    bookmark = session.get(Bookmark, user.id)
    if bookmark is None:
        return None
    return {
        "module": bookmark.module_slug,
        "lesson": bookmark.lesson_slug,
        "updated_at": bookmark.updated_at,
    }


def _invitations(session: Session, user: User) -> list[Row]:
    rows = session.execute(
        select(Invitation, Cohort.name)
        .join(Cohort, Cohort.id == Invitation.cohort_id)
        .where(or_(Invitation.accepted_by_id == user.id, Invitation.email == user.email))
        .order_by(Invitation.created_at, Invitation.id)
    )
    return [
        {
            "cohort": cohort,
            **_pick(invitation, COLUMNS["invitations"][1:]),
        }
        for invitation, cohort in rows
    ]


def _emails(session: Session, user: User) -> list[Row]:
    """The mail sent to the account's address: what and when, not the links inside.

    Not the mail to a pending new address: it may belong to someone else.
    """
    rows = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == user.email)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )
    return [
        {
            "kind": row.kind,
            "to": row.recipient,
            "subject": row.subject,
            "status": _plain(row.status),
            "created_at": row.created_at,
            "sent_at": row.sent_at,
        }
        for row in rows
    ]


def _audit_events(session: Session, user: User) -> list[Row]:
    return [
        {
            "at": event.at,
            "action": event.action,
            "target": event.target,
            "by": name,
            "detail": event.detail or {},
        }
        for event, name in audit.about_user(session, user.id)
    ]
