"""The mail worker: delivers due outbox messages, outside any request and any transaction."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from lms.db import get_database
from lms.mail import outbox
from lms.mail.message import OutgoingMail, build_message
from lms.mail.smtp import (
    ConfigurationFailure,
    PermanentFailure,
    SmtpSettings,
    TemporaryFailure,
    deliver,
)
from lms.mail.smtp import settings_from_config as smtp_settings
from lms.models import OutboxMessage

log = logging.getLogger(__name__)
POLL_SECONDS = 2.0
JOBS = "lms.periodic_jobs"


@dataclass(frozen=True)
class PeriodicJob:
    """Work that queues mail on a schedule (reminders), run by the worker between deliveries."""

    name: str
    every_seconds: float
    run: Callable[[Flask], int]  # returns how many messages it queued


def add_periodic_job(app: Flask, job: PeriodicJob) -> None:
    """Have every mail worker of `app` run `job` (at start, then every `every_seconds`)."""
    app.extensions.setdefault(JOBS, []).append(job)


class MailWorker:
    """Claims due messages, sends each one, records the outcome; one app, any thread."""

    def __init__(self, app: Flask, settings: SmtpSettings) -> None:
        self.app, self.settings = app, settings
        self.sessions = get_database(app).sessions
        self.domain = settings.sender_domain
        self.jobs: list[PeriodicJob] = list(app.extensions.get(JOBS, []))
        self.next_run = dict.fromkeys((job.name for job in self.jobs), 0.0)

    def run_jobs(self, *, force: bool = False) -> int:
        """Run the periodic jobs that are due (all with `force`); returns messages queued."""
        queued = 0
        for job in self.jobs:
            if not force and time.monotonic() < self.next_run[job.name]:
                continue
            self.next_run[job.name] = time.monotonic() + job.every_seconds
            try:
                with self.app.app_context():
                    queued += job.run(self.app)
            except Exception:  # one failing job must neither stop delivery nor the others
                log.exception("the periodic job %s failed; it runs again later", job.name)
        return queued

    def run_once(self) -> int:
        """Deliver what is due now; returns how many messages were tried."""
        with self.sessions() as session:
            ids = outbox.claim_due(session)
            session.commit()
        for number, message_id in enumerate(ids):
            if not self._deliver(message_id):
                # The settings are wrong: the others would fail alike. Give them back.
                with self.sessions() as session:
                    for waiting in ids[number + 1 :]:
                        outbox.retry_now(session, waiting)
                    session.commit()
                return number + 1
        return len(ids)

    def _deliver(self, message_id: int) -> bool:
        """Send one message and record how it went; False when the mail settings are wrong."""
        with self.sessions() as session:
            message = session.get(OutboxMessage, message_id)
            if message is None:
                return True
            mail = OutgoingMail(message.recipient, message.subject, message.text, message.html)
            attempts = message.attempts
            session.rollback()  # no transaction stays open while the SMTP server is slow
            try:
                # One Message-ID per outbox row: a retry after a timeout past DATA (when the
                # server may have the message already) is then recognisable as the same mail.
                built = build_message(
                    mail,
                    sender=self.settings.sender,
                    message_id_domain=self.domain,
                    message_id=f"<outbox-{message_id}@{self.domain}>",
                )
                deliver(self.settings, built)
            except ConfigurationFailure as error:
                outbox.record_failure(session, message_id, attempts, str(error), permanent=False)
                session.commit()
                log.error("mail cannot be sent until the settings are fixed: %s", error)
                return False
            except TemporaryFailure as error:
                status = outbox.record_failure(
                    session, message_id, attempts, str(error), permanent=False
                )
                log.warning("mail %s to %s not sent (%s): %s", message_id, mail.to, status, error)
            except (PermanentFailure, ValueError) as error:
                outbox.record_failure(session, message_id, attempts, str(error), permanent=True)
                log.error("mail %s to %s refused: %s", message_id, mail.to, error)
            else:
                outbox.record_sent(session, message_id)
            session.commit()
        return True

    def run_until(self, stop: threading.Event, poll_seconds: float = POLL_SECONDS) -> None:
        """Deliver until `stop` is set; an unexpected error is logged and the loop goes on."""
        while not stop.is_set():
            self.run_jobs()
            try:
                busy = self.run_once()
            except Exception:  # a database hiccup must not end mail delivery for good
                log.exception("the mail worker failed; trying again")
                busy = 0
            if not busy:
                stop.wait(poll_seconds)


def worker_for(app: Flask) -> MailWorker | None:
    """A worker for `app`, or None when no SMTP server is configured (mail then waits)."""
    settings = smtp_settings(app.config)
    return MailWorker(app, settings) if settings is not None else None


def start_in_background(app: Flask) -> threading.Event | None:
    """Run the worker in a daemon thread (as `lms serve` does); set the event to stop it."""
    worker = worker_for(app)
    if worker is None:
        return None
    stop = threading.Event()
    threading.Thread(target=worker.run_until, args=(stop,), name="mail-worker", daemon=True).start()
    return stop
