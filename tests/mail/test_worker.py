"""The mail worker against a real SMTP server: delivered, retried, given up, never lost."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.db import db_session
from lms.mail import outbox
from lms.mail.message import OutgoingMail
from lms.mail.worker import MailWorker, worker_for
from lms.models import MailStatus, OutboxMessage
from tests.mail.smtp_server import SmtpServer, running_server


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield db_session()


@pytest.fixture
def queue(session: Session) -> Callable[..., int]:
    def add(to: str = "lucia@example.org", subject: str = "Invitación al curso") -> int:
        message = outbox.enqueue(
            session, OutgoingMail(to, subject, "Hola, Lucía: ¿empezamos?", None), "invitation"
        )
        session.commit()
        return message.id

    return add


def _worker(app: Flask, server: SmtpServer, **changes: Any) -> MailWorker:
    return MailWorker(app, server.settings(**changes))


def _state(session: Session, message_id: int) -> OutboxMessage:
    session.expire_all()
    message = session.get(OutboxMessage, message_id)
    assert message is not None
    return message


def test_a_queued_message_is_delivered_with_its_accents(
    app: Flask, session: Session, smtp_server: SmtpServer, queue: Callable[..., int]
) -> None:
    message_id = queue()
    assert _worker(app, smtp_server).run_once() == 1
    (received,) = smtp_server.messages
    assert received["Subject"] == "Invitación al curso"
    assert "¿empezamos?" in received.get_content()
    state = _state(session, message_id)
    assert (state.status, state.attempts, state.sent_at is not None) == (MailStatus.SENT, 1, True)
    assert _worker(app, smtp_server).run_once() == 0  # sent once, never again


def test_a_server_that_is_down_delays_delivery_and_loses_nothing(
    app: Flask, session: Session, smtp_server: SmtpServer, queue: Callable[..., int]
) -> None:
    message_id = queue()
    port = smtp_server.port
    smtp_server.stop()
    assert _worker(app, smtp_server, port=port).run_once() == 1
    state = _state(session, message_id)
    assert state.status == MailStatus.PENDING and state.attempts == 1 and state.last_error
    assert state.next_attempt_at > state.created_at  # waits before the next try
    with running_server() as back:  # the server is back; the message is due again
        outbox.retry_now(session, message_id)
        session.commit()
        assert _worker(app, back).run_once() == 1
        assert [m["To"] for m in back.messages] == ["lucia@example.org"]
    assert _state(session, message_id).status == MailStatus.SENT


def test_a_temporary_refusal_is_retried_and_a_permanent_one_given_up(
    app: Flask, session: Session, smtp_server: SmtpServer, queue: Callable[..., int]
) -> None:
    busy = queue("busy@example.org")
    gone = queue("gone@example.org")
    smtp_server.fail_with("busy@example.org", 451, "try later")
    smtp_server.fail_with("gone@example.org", 550, "no such mailbox")
    _worker(app, smtp_server).run_once()
    assert _state(session, busy).status == MailStatus.PENDING
    assert _state(session, gone).status == MailStatus.FAILED
    assert "550" in _state(session, gone).last_error


def test_a_slow_server_times_out_and_the_message_waits(
    app: Flask, session: Session, smtp_server: SmtpServer, queue: Callable[..., int]
) -> None:
    message_id = queue()
    smtp_server.delay(2.0)
    _worker(app, smtp_server, timeout=0.3).run_once()
    assert _state(session, message_id).status == MailStatus.PENDING


def test_without_a_mail_server_there_is_no_worker_and_mail_waits(
    app: Flask, session: Session, queue: Callable[..., int]
) -> None:
    message_id = queue()
    assert worker_for(app) is None
    assert _state(session, message_id).status == MailStatus.PENDING
    assert session.scalars(select(OutboxMessage.id)).all() == [message_id]


def test_wrong_mail_settings_stop_the_round_and_keep_every_message(
    app: Flask, session: Session, smtp_server: SmtpServer, queue: Callable[..., int]
) -> None:
    first, second = queue("a@example.org"), queue("b@example.org")
    # The test server offers no STARTTLS: a configuration mistake, not the recipient's fault.
    assert _worker(app, smtp_server, security="starttls").run_once() == 1
    assert _state(session, first).status == MailStatus.PENDING
    assert "STARTTLS" in _state(session, first).last_error
    assert _state(session, second).status == MailStatus.PENDING
    assert _state(session, second).attempts == 0
    assert smtp_server.messages == []


def test_the_worker_command_delivers_what_is_due_or_says_what_is_missing(
    app: Flask, smtp_server: SmtpServer, queue: Callable[..., int]
) -> None:
    queue()
    missing = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert missing.exit_code != 0 and "LMS_SMTP_HOST" in missing.output
    app.config.update(
        LMS_SMTP_HOST="127.0.0.1",
        LMS_SMTP_PORT=smtp_server.port,
        LMS_SMTP_SECURITY="none",
        LMS_MAIL_SENDER="Curso OIM <cursos@example.org>",
    )
    sent = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert sent.exit_code == 0 and "1 message(s) tried" in sent.output
    assert smtp_server.messages[0]["From"] == "Curso OIM <cursos@example.org>"
