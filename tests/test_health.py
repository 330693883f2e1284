"""The administrators' health page: who sees it, what it counts and how it reports failures."""

from __future__ import annotations

import importlib.metadata
import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from flask import Flask, render_template
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from lms import migrate
from lms.db import db_session, get_engine, make_engine
from lms.manage import health
from lms.manage.health import MailCheck, Problem, SchemaState, Status
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
from tests.conftest import StatementCounter, is_postgres

PAGES = ["/manage/health", "/manage/health.json"]
PUBLISHED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SMTP = {"LMS_SMTP_HOST": "smtp.example.org", "LMS_MAIL_SENDER": "Curso <cursos@example.org>"}


@pytest.fixture
def admin(client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]) -> User:
    """A signed-in administrator reading the pages in English."""
    user = make_user(role=Role.ADMIN, ui_language="en")
    login(client, user)
    return user


@pytest.fixture
def stamp(app: Flask) -> Iterator[Callable[[str], None]]:
    """Return `stamp(revision)`, recording a revision as migrations do; removed afterwards."""

    def record(revision: str) -> None:
        config = migrate.alembic_config()
        with get_engine(app).begin() as connection:
            config.attributes["connection"] = connection
            command.stamp(config, revision)

    yield record
    # The PostgreSQL test schema is shared by the whole run: leave no revision behind.
    with get_engine(app).begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


_serial = itertools.count(1)


def _add_rows(
    app: Flask,
    *,
    cohorts: int = 0,
    enroll: list[User] | None = None,
    versions: int = 0,
    attempts: list[User] | None = None,
    mail: dict[MailStatus, int] | None = None,
) -> None:
    """Add cohorts, enrollments (in the first cohort), versions, quiz attempts and mail."""
    with app.app_context():
        session = db_session()
        added_cohorts = [
            Cohort(name=f"Edition {n}", invite_token=f"token-{next(_serial)}")
            for n in range(cohorts)
        ]
        session.add_all(added_cohorts)
        numbers = itertools.count(1 + (session.query(CourseVersion).count()))
        added_versions = [
            CourseVersion(number=next(numbers), digest="0" * 64, published_at=PUBLISHED)
            for _ in range(versions)
        ]
        session.add_all(added_versions)
        session.flush()
        for user in enroll or []:
            session.add(Enrollment(user_id=user.id, cohort_id=added_cohorts[0].id))
        version_id = session.query(CourseVersion.id).order_by(CourseVersion.id).limit(1).scalar()
        for user in attempts or []:
            session.add(_attempt(user, version_id))
        for status, number in (mail or {}).items():
            for _ in range(number):
                session.add(_message(status))
        session.commit()


def _attempt(user: User, version_id: int) -> QuizAttempt:
    serial = next(_serial)
    return QuizAttempt(
        user_id=user.id,
        module_slug="migration-basics",
        number=serial,
        submission_token=f"submission-{serial}",
        version_id=version_id,
        lang="es",
        responses={},
        scores={},
        score=1.0,
        max_score=2.0,
        percent=50.0,
        passed=False,
    )


def _message(status: MailStatus, created_at: datetime | None = None) -> OutboxMessage:
    return OutboxMessage(
        kind="invitation",
        recipient="learner@example.org",
        subject="Invitation",
        text="Join the course.",
        status=status,
        created_at=created_at or utcnow(),
    )


def _report(app: Flask, config: dict[str, Any] | None = None, **kwargs: Any) -> health.HealthReport:
    with app.app_context():
        return health.check_health(db_session(), config or {}, **kwargs)


class TestAccess:
    """Administrators only."""

    @pytest.mark.parametrize("page", PAGES)
    def test_admin_sees_the_page(self, client: FlaskClient, admin: User, page: str) -> None:
        response = client.get(page)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"

    @pytest.mark.parametrize("page", PAGES)
    @pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.LEARNER])
    def test_others_are_refused(
        self,
        client: FlaskClient,
        make_user: Callable[..., User],
        login: Callable[..., Any],
        role: Role,
        page: str,
    ) -> None:
        login(client, make_user(role=role))
        assert client.get(page).status_code == 403

    @pytest.mark.parametrize("page", PAGES)
    def test_anonymous_visitors_are_sent_to_sign_in(self, client: FlaskClient, page: str) -> None:
        response = client.get(page)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=%2Fmanage%2Fhealth")

    def test_start_page_links_to_it_for_admins_only(
        self,
        app: Flask,
        client: FlaskClient,
        admin: User,
        make_user: Callable[..., User],
        login: Callable[..., Any],
    ) -> None:
        assert 'href="/manage/health"' in client.get("/manage").get_data(as_text=True)
        other = app.test_client()
        login(other, make_user(role=Role.INSTRUCTOR))
        assert 'href="/manage/health"' not in other.get("/manage").get_data(as_text=True)


class TestCounts:
    """People by role, cohorts, enrollments, attempts, versions and mail."""

    def test_counts_match_the_rows(
        self, app: Flask, client: FlaskClient, admin: User, make_user: Callable[..., User]
    ) -> None:
        learners = [make_user() for _ in range(3)]
        make_user(role=Role.INSTRUCTOR)
        make_user(role=Role.INSTRUCTOR)
        _add_rows(
            app,
            cohorts=2,
            enroll=learners,
            versions=2,
            attempts=learners[:2],
            mail={MailStatus.PENDING: 2, MailStatus.SENT: 3, MailStatus.FAILED: 1},
        )
        facts = client.get("/manage/health.json").get_json()
        assert facts["counts"] == {
            "learners": 3,
            "instructors": 2,
            "admins": 1,
            "cohorts": 2,
            "enrollments": 3,
            "quiz_attempts": 2,
            "course_versions": 2,
            "live_version": 2,
            "live_published_at": "2026-03-01T12:00:00+00:00",
        }
        outbox = facts["outbox"]
        assert (outbox["pending"], outbox["sending"], outbox["sent"], outbox["failed"]) == (
            2,
            0,
            3,
            1,
        )
        assert outbox["stuck"] is False
        page = client.get("/manage/health").get_data(as_text=True)
        assert "<dt>Learners</dt><dd>3</dd>" in page
        assert "<dt>Instructors</dt><dd>2</dd>" in page
        assert "<dt>Sent</dt><dd>3</dd>" in page
        assert "version 2, published" in page

    def test_empty_platform(self, app: Flask) -> None:
        report = _report(app)
        assert report.counts == health.Counts(0, 0, 0, 0, 0, 0, 0, None, None)
        assert report.outbox is not None
        assert dict(report.outbox.by_status) == {status: 0 for status in MailStatus}
        assert report.outbox.oldest_waiting_at is None

    @pytest.mark.parametrize("page", PAGES)
    def test_statements_do_not_grow_with_rows(
        self,
        app: Flask,
        client: FlaskClient,
        admin: User,
        make_user: Callable[..., User],
        count_statements: StatementCounter,
        page: str,
    ) -> None:
        count_statements.statements.clear()
        client.get(page)
        few = count_statements.count
        learners = [make_user() for _ in range(6)]
        _add_rows(
            app,
            cohorts=4,
            enroll=learners,
            versions=3,
            attempts=learners,
            mail={status: 3 for status in MailStatus},
        )
        count_statements.statements.clear()
        client.get(page)
        assert count_statements.count == few

    def test_the_service_runs_a_fixed_small_number_of_statements(
        self, app: Flask, count_statements: StatementCounter
    ) -> None:
        _report(app)
        # SELECT 1, the revision lookup (two on SQLite without the table), one query each for
        # users, cohort activity, course versions and the outbox.
        assert count_statements.count <= 8, count_statements.statements


class TestSchema:
    """The revision recorded in the database against the code's newest."""

    def test_tables_made_without_migrations_record_no_revision(
        self, app: Flask, client: FlaskClient, admin: User
    ) -> None:
        facts = client.get("/manage/health.json").get_json()
        assert facts["schema"] == {
            "state": "not_recorded",
            "database_revision": None,
            "code_revision": migrate.head_revision(),
        }
        assert facts["problems"] == ["schema_not_recorded"]
        assert facts["status"] == "warning"
        page = client.get("/manage/health").get_data(as_text=True)
        assert "⚠ revision not recorded" in page
        assert "1 thing needs attention" in page

    def test_head_revision_is_up_to_date(
        self,
        client: FlaskClient,
        admin: User,
        stamp: Callable[[str], None],
    ) -> None:
        stamp("head")
        response = client.get("/manage/health")
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "✓ up to date" in page
        assert "✓ Everything works." in page
        facts = client.get("/manage/health.json").get_json()
        assert facts["schema"]["state"] == "up_to_date"
        assert facts["schema"]["database_revision"] == migrate.head_revision()
        assert facts["status"] == "ok"
        assert facts["problems"] == []

    def test_older_revision_needs_an_upgrade(
        self, client: FlaskClient, admin: User, stamp: Callable[[str], None]
    ) -> None:
        stamp("0001")
        page = client.get("/manage/health").get_data(as_text=True)
        assert "✗ needs <code>lms db upgrade</code>" in page
        assert "then run <code>lms db upgrade</code>." in page
        facts = client.get("/manage/health.json").get_json()
        assert facts["schema"]["state"] == "needs_upgrade"
        assert facts["problems"] == ["schema_needs_upgrade"]

    def test_unknown_revision_comes_from_a_newer_version(
        self, app: Flask, stamp: Callable[[str], None]
    ) -> None:
        stamp("head")
        with get_engine(app).begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        report = _report(app)
        assert report.schema.state == SchemaState.NEWER
        assert report.problems == (Problem.SCHEMA_NEWER,)

    @pytest.mark.parametrize(
        ("current", "state"),
        [
            (None, SchemaState.NOT_RECORDED),
            ("0004", SchemaState.UP_TO_DATE),
            ("0002", SchemaState.NEEDS_UPGRADE),
            ("9999", SchemaState.NEWER),
        ],
    )
    def test_schema_state(self, current: str | None, state: SchemaState) -> None:
        known = frozenset({"0001", "0002", "0003", "0004"})
        assert health.schema_state(current, "0004", known) == state


class TestOutbox:
    """A message waiting too long means mail delivery has stopped."""

    def test_a_message_waiting_two_hours_is_flagged(
        self, app: Flask, client: FlaskClient, admin: User
    ) -> None:
        with app.app_context():
            db_session().add(_message(MailStatus.PENDING, utcnow() - timedelta(hours=2)))
            db_session().add(_message(MailStatus.PENDING))
            db_session().commit()
        response = client.get("/manage/health.json")
        facts = response.get_json()
        assert response.status_code == 200
        assert facts["outbox"]["stuck"] is True
        assert facts["outbox"]["oldest_waiting_seconds"] >= 2 * 3600
        assert "outbox_stuck" in facts["problems"]
        assert facts["status"] == "warning"
        page = client.get("/manage/health").get_data(as_text=True)
        assert "The oldest message waiting in the outbox was queued 2 hours ago." in page
        assert "queued 2 hours ago" in page and ": stuck" in page

    @pytest.mark.parametrize(
        ("status", "age", "stuck"),
        [
            (MailStatus.PENDING, timedelta(minutes=59), False),
            (MailStatus.PENDING, timedelta(hours=1, seconds=1), True),
            # A worker that died while sending leaves the message "sending".
            (MailStatus.SENDING, timedelta(hours=3), True),
            # Delivered or given up: nothing waits.
            (MailStatus.SENT, timedelta(days=3), False),
            (MailStatus.FAILED, timedelta(days=3), False),
        ],
    )
    def test_stuck_after_an_hour_of_waiting(
        self, app: Flask, status: MailStatus, age: timedelta, stuck: bool
    ) -> None:
        now = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
        with app.app_context():
            db_session().add(_message(status, now - age))
            db_session().commit()
        report = _report(app, now=now)
        assert report.outbox is not None
        assert report.outbox.stuck is stuck
        assert (Problem.OUTBOX_STUCK in report.problems) is stuck

    def test_oldest_waiting_message_across_statuses(self, app: Flask) -> None:
        now = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
        with app.app_context():
            for status, minutes in [
                (MailStatus.PENDING, 10),
                (MailStatus.PENDING, 30),
                (MailStatus.SENDING, 20),
                (MailStatus.SENT, 500),
            ]:
                db_session().add(_message(status, now - timedelta(minutes=minutes)))
            db_session().commit()
        report = _report(app, now=now)
        assert report.outbox is not None
        assert report.outbox.oldest_waiting_at == now - timedelta(minutes=30)
        assert report.outbox.oldest_waiting_age == timedelta(minutes=30)


class TestSettings:
    """Mail server, rate-limit storage and version, read from the configuration."""

    @pytest.mark.parametrize(
        ("config", "expected"),
        [
            ({}, MailCheck(configured=False)),
            ({"LMS_SMTP_HOST": ""}, MailCheck(configured=False)),
            (SMTP, MailCheck(configured=True, server="smtp.example.org:587")),
            (
                {**SMTP, "LMS_SMTP_SECURITY": "ssl", "LMS_SMTP_USERNAME": "mailer"}
                | {"LMS_SMTP_PASSWORD": "secret password"},
                MailCheck(configured=True, server="smtp.example.org:465"),
            ),
        ],
    )
    def test_mail_server(self, config: dict[str, Any], expected: MailCheck) -> None:
        assert health.mail_check(config) == expected

    def test_mail_settings_that_cannot_work_are_a_problem(self, app: Flask) -> None:
        report = _report(app, {"LMS_SMTP_HOST": "smtp.example.org"})
        assert report.mail.configured
        assert report.mail.error is not None and "LMS_MAIL_SENDER is not set" in report.mail.error
        assert Problem.MAIL_SETTINGS in report.problems
        assert report.status == Status.WARNING

    @pytest.mark.app_config(
        LMS_SMTP_HOST="smtp.example.org",
        LMS_SMTP_USERNAME="mailer",
        LMS_SMTP_PASSWORD="secret password",
    )
    def test_page_shows_the_mail_problem_and_no_credentials(
        self, client: FlaskClient, admin: User
    ) -> None:
        page = client.get("/manage/health").get_data(as_text=True)
        assert "The mail settings cannot work: LMS_MAIL_SENDER is not set" in page
        json_text = client.get("/manage/health.json").get_data(as_text=True)
        for answer in (page, json_text):
            assert "secret password" not in answer
            assert "mailer" not in answer

    @pytest.mark.parametrize(
        ("redis_url", "redis"), [(None, False), ("", False), ("redis://127.0.0.1:6379/0", True)]
    )
    def test_rate_limit_storage(self, app: Flask, redis_url: str | None, redis: bool) -> None:
        report = _report(app, {"LMS_REDIS_URL": redis_url})
        assert report.redis is redis
        assert health.as_json(report)["rate_limits"] == {"storage": "redis" if redis else "memory"}

    def test_app_version(self, monkeypatch: pytest.MonkeyPatch) -> None:
        assert health.app_version() == importlib.metadata.version("iacim-lms")
        monkeypatch.setattr(health, "DISTRIBUTION", "no-such-distribution-installed")
        assert health.app_version() == "unknown"


class TestDatabaseFailure:
    """Without a usable database the report says so, by error class, with a 503."""

    def test_unreachable_database(self, app: Flask, tmp_path: Path) -> None:
        engine = make_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'lms.sqlite3'}")
        try:
            with Session(engine) as session:
                report = health.check_health(session, SMTP)
        finally:
            engine.dispose()
        assert report.database == health.DatabaseCheck(
            "sqlite", reachable=False, error="OperationalError"
        )
        assert report.status == Status.DOWN
        assert report.http_status == 503
        assert report.problems == (Problem.DATABASE_UNREACHABLE,)
        assert report.schema.state == SchemaState.UNKNOWN
        assert report.schema.code_revision == migrate.head_revision()
        assert report.counts is None and report.outbox is None
        # Everything that does not need the database is still there.
        assert report.mail.server == "smtp.example.org:587"
        facts = health.as_json(report)
        assert facts["status"] == "down"
        assert facts["database"] == {
            "kind": "sqlite",
            "reachable": False,
            "error": "OperationalError",
        }
        assert facts["counts"] is None and facts["outbox"] is None
        # The page renders the report without touching any database.
        english = {"Accept-Language": "en"}
        with app.test_request_context("/manage/health", headers=english):
            page = render_template("manage/health.html", report=report)
        assert "✗ The platform cannot work" in page
        assert "The database cannot be reached (OperationalError)" in page
        assert "Traceback" not in page and "unable to open" not in page

    def test_database_without_tables(self, app: Flask, tmp_path: Path) -> None:
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
        try:
            with Session(engine) as session:
                report = health.check_health(session, {})
        finally:
            engine.dispose()
        assert report.database == health.DatabaseCheck(
            "sqlite", reachable=True, error="OperationalError"
        )
        assert report.problems == (Problem.DATABASE_UNREADABLE,)
        assert report.http_status == 503

    @pytest.mark.skipif(is_postgres(), reason="drops a table of the shared PostgreSQL schema")
    @pytest.mark.parametrize("page", PAGES)
    def test_views_answer_503_when_tables_cannot_be_read(
        self, app: Flask, client: FlaskClient, admin: User, page: str
    ) -> None:
        # Sign-in needs the users table; losing another table is a failure the view can show.
        with get_engine(app).begin() as connection:
            connection.execute(text("DROP TABLE outbox"))
        response = client.get(page)
        assert response.status_code == 503
        body = response.get_data(as_text=True)
        assert "OperationalError" in body
        assert "Traceback" not in body
