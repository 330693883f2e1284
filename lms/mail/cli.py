"""`lms worker`: deliver queued mail until stopped."""

from __future__ import annotations

import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.mail.worker import worker_for


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
@with_appcontext
def worker_command(once: bool) -> None:
    """Deliver queued mail (invitations, password resets) with retries, until stopped."""
    worker = worker_for(current_app._get_current_object())  # type: ignore[attr-defined]
    if worker is None:
        raise click.ClickException(
            "no mail server is configured: set LMS_SMTP_HOST (see docs/configuration.md); "
            "until then messages wait in the outbox"
        )
    if once:
        click.echo(f"{worker.run_once()} message(s) tried")
        return
    click.echo("Delivering mail; press Ctrl+C to stop.")
    stop = threading.Event()
    try:
        worker.run_until(stop)
    except KeyboardInterrupt:
        stop.set()
