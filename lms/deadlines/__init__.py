"""Due dates for modules per cohort, extensions for single learners, and reminder emails."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the deadline pages, the due-date filter, `lms reminders` and the worker job."""
    from lms.deadlines.cli import REMINDER_SECONDS, queue_owed_reminders, reminders_command
    from lms.deadlines.display import due_text, time_left
    from lms.deadlines.views import blueprint
    from lms.mail.worker import PeriodicJob, add_periodic_job

    app.register_blueprint(blueprint)
    app.jinja_env.filters["due"] = due_text
    app.jinja_env.globals["time_left"] = time_left
    app.cli.add_command(reminders_command)
    add_periodic_job(app, PeriodicJob("reminders", REMINDER_SECONDS, queue_owed_reminders))
