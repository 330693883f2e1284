"""Start-up work in a child process, so that what it loads stays out of the serving processes.

`lms serve` loads the app in gunicorn's arbiter, which every worker is forked from: whatever the
arbiter imported is in each worker. Migrations need Alembic and Mako (11 MiB), which no request
uses; run in a fork of the starting process, they are gone with it. The child hands back a
JSON-able result, or the message of the ClickException it ended with.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any

import click


def run_apart(work: Callable[[], Any]) -> Any:
    """Run `work` in a forked child and return its result (JSON-able), or raise its error.

    A ClickException in the child is raised again here with its message; any other exception
    is printed with its traceback by the child and raised here as a ClickException naming it.
    Where the system cannot fork, `work` runs in this process.
    """
    if not hasattr(os, "fork"):
        return work()
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(readable)
        _child(work, writable)
    os.close(writable)
    with os.fdopen(readable, "rb") as pipe:
        answer = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not answer:
        raise click.ClickException(
            f"start-up ended without a result (exit status {os.waitstatus_to_exitcode(status)})"
        )
    outcome = json.loads(answer)
    if "error" in outcome:
        raise click.ClickException(outcome["error"])
    return outcome["value"]


def _child(work: Callable[[], Any], writable: int) -> None:
    """Run `work`, write its outcome to the pipe and leave without running the parent's exits."""
    try:
        outcome = {"value": work()}
    except click.ClickException as error:
        outcome = {"error": error.format_message()}
    except BaseException as error:  # every failure, whatever its kind, must reach the parent
        traceback.print_exc()
        outcome = {"error": f"start-up failed: {type(error).__name__}: {error}"}
    try:
        with os.fdopen(writable, "wb") as pipe:
            pipe.write(json.dumps(outcome).encode())
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        # Not sys.exit: atexit handlers and finalisers belong to the parent, which goes on.
        os._exit(0)
