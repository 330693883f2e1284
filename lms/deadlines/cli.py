"""`lms reminders`: queue the due-date reminders owed now (the mail worker also does it)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from lms.courses.cache import course_cache
from lms.courses.services import current_version
from lms.db import get_database, lock_for_write
from lms.deadlines.reminder_mail import write_reminder
from lms.deadlines.reminders import queue_reminders

REMINDER_SECONDS = 300.0  # how often the mail worker looks for reminders owed


def queue_owed_reminders(app: Flask) -> int:
    """Queue the reminders owed now against the live course and commit; returns how many."""
    sessions = get_database(app).sessions
    with app.app_context(), sessions() as session:
        version = current_version(session)
        if version is None:
            return 0  # no course yet, so no module can be due
        course = course_cache().get(session, version.id)
    with sessions() as session:
        # SQLite: take the write lock first, so two workers queue one after the other rather
        # than both reading and then failing to write; PostgreSQL relies on the unique key.
        lock_for_write(session)
        queued = queue_reminders(session, course, lambda r: write_reminder(app, r))
        session.commit()
        return queued


@click.command("reminders")
@with_appcontext
def reminders_command() -> None:
    """Queue the due-date reminders owed now; the mail worker sends them."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo(f"{queue_owed_reminders(app)} reminder(s) queued")
