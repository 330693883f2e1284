"""Reminder emails: owed only to active learners who have not finished, queued exactly once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from lms.cohorts import services as cohorts
from lms.db import db_session
from lms.deadlines import services
from lms.deadlines.cli import queue_owed_reminders
from lms.mail.worker import MailWorker
from lms.models import DeadlineReminder, OutboxMessage, User
from lms.models.types import utcnow
from tests.deadlines.conftest import MODULE, SITE, Edition, complete_module, set_deadline
from tests.mail.smtp_server import SmtpServer


def _outbox(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        session = db_session()
        rows = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        session.expunge_all()
        return rows


def _reminder_kinds(app: Flask) -> list[tuple[int, str]]:
    with app.app_context():
        return [
            (user_id, kind)
            for user_id, kind in db_session().execute(
                select(DeadlineReminder.user_id, DeadlineReminder.kind).order_by(
                    DeadlineReminder.id
                )
            )
        ]


def _settings(app: Flask, edition: Edition, days: int, overdue: bool) -> None:
    with app.app_context():
        cohort = db_session().merge(edition.cohort)
        cohort.remind_days_before, cohort.remind_overdue = days, overdue
        db_session().commit()


def test_learners_due_soon_who_have_not_finished_are_reminded_once(
    app: Flask, edition: Edition, make_user: Callable[..., User]
) -> None:
    finished = make_user(name="Finished")
    gone = make_user(name="Deactivated")
    english = make_user(name="Joan Smith", ui_language="en")
    with app.app_context():
        session = db_session()
        cohort = session.merge(edition.cohort)
        for user in (finished, gone, english):
            cohorts.enroll(session, user, cohort)
        enrollment = cohorts.enrollment_of(session, cohort, gone.id)
        assert enrollment is not None
        enrollment.active = False
        session.commit()
    complete_module(app, finished, edition.version_id)
    set_deadline(app, edition.cohort, utcnow() + timedelta(days=2), actor=edition.runner)

    assert queue_owed_reminders(app) == 2
    assert queue_owed_reminders(app) == 0  # a second round (or worker) queues nothing more
    assert sorted(_reminder_kinds(app)) == sorted(
        [(edition.learner.id, "soon"), (english.id, "soon")]
    )
    mails = {mail.recipient: mail for mail in _outbox(app)}
    assert set(mails) == {edition.learner.email, english.email}
    spanish, other = mails[edition.learner.email], mails[english.email]
    assert other.kind == "reminder-soon"
    assert other.subject.startswith("Reminder: Understanding migration processes is due on")
    assert f"{SITE}/learn/{MODULE}/" in other.text
    assert "You have done 0 of 1 lessons." in other.text
    assert "hora estándar de Argentina" in spanish.subject


def test_nothing_is_owed_outside_the_windows_or_with_reminders_off(
    app: Flask, edition: Edition
) -> None:
    set_deadline(app, edition.cohort, utcnow() + timedelta(days=5), actor=edition.runner)
    assert queue_owed_reminders(app) == 0  # three days before is not yet
    set_deadline(app, edition.cohort, utcnow() - timedelta(days=8), actor=edition.runner)
    assert queue_owed_reminders(app) == 0  # missed over a week ago: old news
    set_deadline(app, edition.cohort, utcnow() + timedelta(days=1), actor=edition.runner)
    _settings(app, edition, days=0, overdue=True)
    assert queue_owed_reminders(app) == 0
    assert _outbox(app) == []


def test_a_missed_deadline_is_told_once_with_what_happens_now(app: Flask, edition: Edition) -> None:
    set_deadline(
        app, edition.cohort, utcnow() - timedelta(hours=3), closes=True, actor=edition.runner
    )
    _settings(app, edition, days=3, overdue=False)
    assert queue_owed_reminders(app) == 0
    _settings(app, edition, days=3, overdue=True)
    assert queue_owed_reminders(app) == 1
    assert queue_owed_reminders(app) == 0
    [mail] = _outbox(app)
    assert mail.kind == "reminder-overdue"


def test_an_extension_moves_the_reminder_to_the_new_date(app: Flask, edition: Edition) -> None:
    due = utcnow() + timedelta(days=1)
    set_deadline(app, edition.cohort, due, actor=edition.runner)
    with app.app_context():
        session = db_session()
        cohort, learner = session.merge(edition.cohort), session.merge(edition.learner)
        services.extend_deadline(
            session, cohort, learner, MODULE, due + timedelta(days=10), "Mission", edition.runner.id
        )
        session.commit()
    assert queue_owed_reminders(app) == 0  # ten days away now: not yet
    with app.app_context():
        session = db_session()
        cohort, learner = session.merge(edition.cohort), session.merge(edition.learner)
        services.extend_deadline(
            session,
            cohort,
            learner,
            MODULE,
            due + timedelta(days=2),
            "Back early",
            edition.runner.id,
        )
        session.commit()
    assert queue_owed_reminders(app) == 1
    with app.app_context():
        queued = db_session().scalars(select(DeadlineReminder)).one()
        assert queued.due_at == due + timedelta(days=2)


@pytest.mark.app_config(LMS_BASE_URL="https://migracion.example.org/cursos")
def test_the_public_address_setting_makes_the_links(app: Flask, edition: Edition) -> None:
    set_deadline(app, edition.cohort, utcnow() + timedelta(days=1), actor=edition.runner)
    assert queue_owed_reminders(app) == 1
    [mail] = _outbox(app)
    assert f"https://migracion.example.org/cursos/learn/{MODULE}/" in mail.text


def test_workers_queueing_at_once_queue_each_reminder_once(
    app: Flask, edition: Edition, make_user: Callable[..., User]
) -> None:
    many = [make_user(name=f"Learner {number}") for number in range(20)]
    with app.app_context():
        session = db_session()
        cohort = session.merge(edition.cohort)
        for user in many:
            cohorts.enroll(session, user, cohort)
        session.commit()
    set_deadline(app, edition.cohort, utcnow() + timedelta(days=1), actor=edition.runner)
    start = threading.Barrier(4)
    counts: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            counts.append(queue_owed_reminders(app))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(counts) == 21
    with app.app_context():
        assert db_session().scalar(select(func.count()).select_from(OutboxMessage)) == 21


def test_the_mail_worker_queues_and_delivers_reminders(
    app: Flask, edition: Edition, smtp_server: SmtpServer
) -> None:
    set_deadline(app, edition.cohort, utcnow() + timedelta(days=1), actor=edition.runner)
    worker = MailWorker(app, smtp_server.settings())
    assert worker.run_jobs() == 1
    assert worker.run_jobs() == 0  # not due again for a while
    assert worker.run_once() == 1
    [message] = smtp_server.messages
    assert message["To"] == edition.learner.email
    assert f"{SITE}/learn/{MODULE}/" in message.get_content()
