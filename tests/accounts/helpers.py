"""Helpers for the self-service account tests: deliver the outbox, find mails and their links."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms.cohorts import services as cohorts
from lms.courses.cache import course_cache
from lms.db import db_session
from lms.learning import services as learning
from lms.mail import outbox
from lms.mail.message import OutgoingMail
from lms.mail.worker import MailWorker
from lms.models import (
    AuditEvent,
    Certificate,
    DeadlineExtension,
    Invitation,
    OutboxMessage,
    User,
)
from lms.models.types import utcnow
from lms.reports.learner import grant_attempts
from tests.mail.smtp_server import SmtpServer


def deliver(app: Flask, server: SmtpServer) -> None:
    """Send everything queued to the test SMTP server."""
    MailWorker(app, server.settings()).run_once()


def mails_to(server: SmtpServer, address: str) -> list[EmailMessage]:
    """The messages the server received for `address`, oldest first."""
    return [message for message in server.messages if message["To"] == address]


def link_in(message: EmailMessage, path: str) -> str:
    """The path (from `path` on) of the first link to this platform in a mail."""
    found = re.search(rf"http://localhost({re.escape(path)}\S*)", message.get_content())
    assert found, message.get_content()
    return found.group(1)


def queued(app: Flask, kind: str | None = None) -> list[OutboxMessage]:
    """Messages in the outbox (of one kind), oldest first."""
    with app.app_context():
        statement = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind is not None:
            statement = statement.where(OutboxMessage.kind == kind)
        return list(db_session().scalars(statement))


def stored_user(app: Flask, user_id: int) -> User | None:
    """The account as the database has it now."""
    with app.app_context():
        return db_session().get(User, user_id)


def audit_actions(app: Flask) -> list[tuple[str, int | None, str]]:
    """(action, actor id, target) of every audit event, oldest first."""
    with app.app_context():
        rows = db_session().execute(
            select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.target).order_by(
                AuditEvent.id
            )
        )
        return [(action, actor, target) for action, actor, target in rows]


def page(client: FlaskClient, url: str) -> str:
    """The text of a page that must open."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def token_of(html: str, prefix: str) -> dict[str, str]:
    """The CSRF field of the form with this prefix on a page, ready to post."""
    name = f"{prefix}-csrf_token"
    found = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]+)"', html) or re.search(
        rf'value="([^"]+)"[^>]*name="{re.escape(name)}"', html
    )
    assert found, f"no {name} on the page"
    return {name: found.group(1)}


@dataclass(frozen=True)
class Footprint:
    """What `leave_footprint` recorded for one learner: text unique to them, to look for."""

    cohort: str
    reason: str
    certificate: str
    institution: str


def leave_footprint(app: Flask, user: User, staff: User, version_id: int, tag: str) -> Footprint:
    """Give `user` a record of every kind the platform keeps, with texts containing `tag`."""
    with app.app_context():
        session = db_session()
        learner = session.get(User, user.id)
        assert learner is not None
        course = course_cache().get(session, version_id)
        module = course.modules[0]
        assert module.quiz is not None
        cohort = cohorts.create_cohort(session, f"Cohort {tag}")
        cohorts.enroll(session, learner, cohort)
        learning.complete_lesson(session, user.id, module.slug, module.lessons[0].slug, version_id)
        learning.remember_place(session, learner, module.slug, module.lessons[0].slug)
        check = module.lessons[0].text("es").checks[0]
        learning.answer_check(session, user.id, check, check.correct_response(), version_id)
        right = {q.id: q.correct_response() for q in module.quiz.text("es").questions}
        submission = learning.Submission(f"quiz-{tag}", version_id, "es", right)
        learning.submit_quiz(session, user.id, module, submission)
        reason = f"Illness {tag}"
        grant_attempts(session, learner, module.slug, 2, reason, staff.id)
        session.add(
            DeadlineExtension(
                user_id=user.id,
                cohort_id=cohort.id,
                module_slug=module.slug,
                due_at=utcnow() + timedelta(days=30),
                reason=reason,
                granted_by_id=staff.id,
            )
        )
        certificate = Certificate(user_id=user.id, code=f"CERT{tag}", version_id=version_id)
        session.add(certificate)
        institution = f"Ministry {tag}"
        session.add(
            Invitation(
                cohort_id=cohort.id,
                email=learner.email,
                name=learner.name,
                country="PE",
                institution=institution,
                language="es",
                token=f"invitation-{tag}",
                expires_at=utcnow() + timedelta(days=7),
                accepted_at=utcnow(),
                accepted_by_id=user.id,
                created_by_id=staff.id,
            )
        )
        welcome = OutgoingMail(learner.email, f"Welcome {tag}", "Hello")
        outbox.enqueue(session, welcome, "invitation")
        session.commit()
    return Footprint(f"Cohort {tag}", reason, f"CERT{tag}", institution)
