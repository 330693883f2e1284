"""The platform's health: database, schema, counts, mail outbox and settings, in a few queries.

Read-only: the service runs a fixed number of SELECTs whatever the amount of data (one grouped
query per table family) and never writes, so it is safe to call as often as monitoring likes.
"""

from __future__ import annotations

import enum
import importlib.metadata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from lms import migrate
from lms.mail.smtp import MailSettingsError, settings_from_config
from lms.models import (
    Cohort,
    CourseVersion,
    Enrollment,
    MailStatus,
    OutboxMessage,
    QuizAttempt,
    Role,
    User,
)
from lms.models.types import utcnow

DISTRIBUTION = "iacim-lms"
UNKNOWN_VERSION = "unknown"
# The worker tries due mail every few seconds and backs off for minutes between retries: a
# message still undelivered after an hour means delivery has stopped.
STUCK_AFTER = timedelta(hours=1)
# "Sending" lasts seconds unless a worker died holding the message, so it counts as waiting.
WAITING = (MailStatus.PENDING, MailStatus.SENDING)


class Status(enum.StrEnum):
    """The overall verdict: all well, something to fix, or the platform cannot work."""

    OK = "ok"
    WARNING = "warning"
    DOWN = "down"


class SchemaState(enum.StrEnum):
    """How the database's recorded Alembic revision compares with the code's newest one."""

    UP_TO_DATE = "up_to_date"
    NEEDS_UPGRADE = "needs_upgrade"
    # A revision this code does not know: a newer version of the platform upgraded it.
    NEWER = "newer"
    # Tables made without migrations (create_all) or no tables at all: no revision recorded.
    NOT_RECORDED = "not_recorded"
    UNKNOWN = "unknown"  # the database could not be asked


class Problem(enum.StrEnum):
    """Something an administrator should fix; the first two make the platform unusable."""

    DATABASE_UNREACHABLE = "database_unreachable"
    DATABASE_UNREADABLE = "database_unreadable"
    SCHEMA_NEEDS_UPGRADE = "schema_needs_upgrade"
    SCHEMA_NEWER = "schema_newer"
    SCHEMA_NOT_RECORDED = "schema_not_recorded"
    OUTBOX_STUCK = "outbox_stuck"
    MAIL_SETTINGS = "mail_settings"


FATAL = frozenset({Problem.DATABASE_UNREACHABLE, Problem.DATABASE_UNREADABLE})
SCHEMA_PROBLEMS: Mapping[SchemaState, Problem] = {
    SchemaState.NEEDS_UPGRADE: Problem.SCHEMA_NEEDS_UPGRADE,
    SchemaState.NEWER: Problem.SCHEMA_NEWER,
    SchemaState.NOT_RECORDED: Problem.SCHEMA_NOT_RECORDED,
}


@dataclass(frozen=True)
class DatabaseCheck:
    """Which kind of database, and whether it answered; `error` is an exception class name."""

    kind: str
    reachable: bool
    error: str | None = None


@dataclass(frozen=True)
class SchemaCheck:
    """The revision recorded in the database and the newest one this code brings."""

    state: SchemaState
    database_revision: str | None
    code_revision: str | None


@dataclass(frozen=True)
class Counts:
    """How many people, cohorts and records there are, and which course version is live."""

    learners: int
    instructors: int
    admins: int
    cohorts: int
    enrollments: int
    quiz_attempts: int
    course_versions: int
    live_version: int | None
    live_published_at: datetime | None


@dataclass(frozen=True)
class OutboxCheck:
    """Messages by status and the oldest one still waiting to be delivered."""

    by_status: Mapping[MailStatus, int]
    oldest_waiting_at: datetime | None
    oldest_waiting_age: timedelta | None

    @property
    def stuck(self) -> bool:
        """True when a message has waited longer than STUCK_AFTER."""
        return self.oldest_waiting_age is not None and self.oldest_waiting_age > STUCK_AFTER


@dataclass(frozen=True)
class MailCheck:
    """Whether a mail server is configured (host and port only) and what is wrong with it."""

    configured: bool
    server: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class HealthReport:
    """Everything the health page and its JSON show, checked at `checked_at`."""

    checked_at: datetime
    app_version: str
    database: DatabaseCheck
    schema: SchemaCheck
    counts: Counts | None
    outbox: OutboxCheck | None
    mail: MailCheck
    redis: bool
    problems: tuple[Problem, ...]

    @property
    def status(self) -> Status:
        """DOWN when the database cannot be used, WARNING with any other problem, else OK."""
        if FATAL.intersection(self.problems):
            return Status.DOWN
        return Status.WARNING if self.problems else Status.OK

    @property
    def http_status(self) -> int:
        """503 when the platform cannot work, so monitoring notices; 200 otherwise."""
        return 503 if self.status == Status.DOWN else 200


def check_health(
    session: Session, config: Mapping[str, Any], *, now: datetime | None = None
) -> HealthReport:
    """Check the database, schema, data, outbox and settings; never raises for a database error."""
    now = now or utcnow()
    kind = session.get_bind().dialect.name
    counts: Counts | None = None
    outbox: OutboxCheck | None = None
    problems: list[Problem] = []
    try:
        session.execute(select(1))
    except SQLAlchemyError as error:
        # Leave the session usable for whatever renders the answer.
        session.rollback()
        database = DatabaseCheck(kind, reachable=False, error=type(error).__name__)
        schema = SchemaCheck(SchemaState.UNKNOWN, None, migrate.head_revision())
        problems.append(Problem.DATABASE_UNREACHABLE)
    else:
        database = DatabaseCheck(kind, reachable=True)
        try:
            schema = schema_check(session)
            counts = count_rows(session)
            outbox = outbox_check(session, now)
        except SQLAlchemyError as error:
            # The server answers but the tables cannot be read: most often they do not exist.
            session.rollback()
            database = DatabaseCheck(kind, reachable=True, error=type(error).__name__)
            schema = SchemaCheck(SchemaState.UNKNOWN, None, migrate.head_revision())
            problems.append(Problem.DATABASE_UNREADABLE)
    if schema.state in SCHEMA_PROBLEMS:
        problems.append(SCHEMA_PROBLEMS[schema.state])
    if outbox is not None and outbox.stuck:
        problems.append(Problem.OUTBOX_STUCK)
    mail = mail_check(config)
    if mail.error is not None:
        problems.append(Problem.MAIL_SETTINGS)
    return HealthReport(
        checked_at=now,
        app_version=app_version(),
        database=database,
        schema=schema,
        counts=counts,
        outbox=outbox,
        mail=mail,
        redis=bool(config.get("LMS_REDIS_URL")),
        problems=tuple(problems),
    )


def schema_check(session: Session) -> SchemaCheck:
    """Compare the revision recorded in the database with the newest in lms/migrations."""
    current = MigrationContext.configure(session.connection()).get_current_revision()
    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    head = scripts.get_current_head()
    return SchemaCheck(schema_state(current, head, known_revisions(scripts)), current, head)


def known_revisions(scripts: ScriptDirectory) -> frozenset[str]:
    """Every revision id in lms/migrations/versions."""
    return frozenset(script.revision for script in scripts.walk_revisions())


def schema_state(current: str | None, head: str | None, known: frozenset[str]) -> SchemaState:
    """Say how the database's revision `current` stands against the code's newest `head`."""
    if current is None:
        return SchemaState.NOT_RECORDED
    if current == head:
        return SchemaState.UP_TO_DATE
    if current in known:
        return SchemaState.NEEDS_UPGRADE
    return SchemaState.NEWER


def count_rows(session: Session) -> Counts:
    """Count people by role, cohorts, enrollments, attempts and versions in three queries."""
    by_role: dict[Role, int] = {
        role: number
        for role, number in session.execute(select(User.role, func.count()).group_by(User.role))
    }
    cohorts, enrollments, attempts = session.execute(
        select(
            select(func.count()).select_from(Cohort).scalar_subquery(),
            select(func.count()).select_from(Enrollment).scalar_subquery(),
            select(func.count()).select_from(QuizAttempt).scalar_subquery(),
        )
    ).one()
    # The live version is the highest number; the window count rides along on its row.
    live = session.execute(
        select(CourseVersion.number, CourseVersion.published_at, func.count().over())
        .order_by(CourseVersion.number.desc())
        .limit(1)
    ).one_or_none()
    return Counts(
        learners=by_role.get(Role.LEARNER, 0),
        instructors=by_role.get(Role.INSTRUCTOR, 0),
        admins=by_role.get(Role.ADMIN, 0),
        cohorts=cohorts,
        enrollments=enrollments,
        quiz_attempts=attempts,
        course_versions=live[2] if live else 0,
        live_version=live[0] if live else None,
        live_published_at=live[1] if live else None,
    )


def outbox_check(session: Session, now: datetime) -> OutboxCheck:
    """Count outbox messages by status and find the oldest one waiting, in one query."""
    rows = session.execute(
        select(OutboxMessage.status, func.count(), func.min(OutboxMessage.created_at)).group_by(
            OutboxMessage.status
        )
    ).all()
    by_status = {status: 0 for status in MailStatus}
    oldest: datetime | None = None
    for status, number, first in rows:
        by_status[status] = number
        if status in WAITING and (oldest is None or first < oldest):
            oldest = first
    return OutboxCheck(
        by_status=by_status,
        oldest_waiting_at=oldest,
        # A clock step back must not show a negative age.
        oldest_waiting_age=max(now - oldest, timedelta(0)) if oldest else None,
    )


def mail_check(config: Mapping[str, Any]) -> MailCheck:
    """Say whether a mail server is configured, without user name or password."""
    try:
        settings = settings_from_config(config)
    except MailSettingsError as error:
        return MailCheck(configured=True, error=str(error))
    if settings is None:
        return MailCheck(configured=False)
    return MailCheck(configured=True, server=f"{settings.host}:{settings.port}")


def app_version() -> str:
    """The installed version of the platform, or "unknown" when it runs from a bare checkout."""
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return UNKNOWN_VERSION


def as_json(report: HealthReport) -> dict[str, Any]:
    """The report as JSON-ready data for monitoring: codes and numbers, no sentences."""
    counts, outbox = report.counts, report.outbox
    return {
        "status": report.status.value,
        "problems": [problem.value for problem in report.problems],
        "checked_at": report.checked_at.isoformat(),
        "version": report.app_version,
        "database": {
            "kind": report.database.kind,
            "reachable": report.database.reachable,
            "error": report.database.error,
        },
        "schema": {
            "state": report.schema.state.value,
            "database_revision": report.schema.database_revision,
            "code_revision": report.schema.code_revision,
        },
        "counts": None
        if counts is None
        else {
            "learners": counts.learners,
            "instructors": counts.instructors,
            "admins": counts.admins,
            "cohorts": counts.cohorts,
            "enrollments": counts.enrollments,
            "quiz_attempts": counts.quiz_attempts,
            "course_versions": counts.course_versions,
            "live_version": counts.live_version,
            "live_published_at": _isoformat(counts.live_published_at),
        },
        "outbox": None
        if outbox is None
        else {
            **{status.value: number for status, number in outbox.by_status.items()},
            "oldest_waiting_at": _isoformat(outbox.oldest_waiting_at),
            "oldest_waiting_seconds": None
            if outbox.oldest_waiting_age is None
            else int(outbox.oldest_waiting_age.total_seconds()),
            "stuck": outbox.stuck,
        },
        "mail": {
            "configured": report.mail.configured,
            "server": report.mail.server,
            "error": report.mail.error,
        },
        "rate_limits": {"storage": "redis" if report.redis else "memory"},
    }


def _isoformat(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
