"""`lms serve`'s production server: gunicorn, with the app loaded once before the workers fork.

Loading in the arbiter (gunicorn's "preload") lets the workers share the parsed course, the
templates and the imported code page by page instead of each building its own copy; start-up
work (migrations, the first admin, the initial course) runs once, not once per worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import Flask
from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]
from gunicorn.glogging import Logger  # type: ignore[import-untyped]

from lms.access_log import redact_path
from lms.db import get_engine
from lms.malloc_arenas import limit_malloc_arenas
from lms.processors import usable_processors

# Threads let a worker answer while another request waits on the database or a slow client,
# and keep connections alive, which sync workers cannot (docs/deployment.md, "The server").
DEFAULT_THREADS = 4


def default_workers() -> int:
    """One worker per CPU this process may run on, plus one to cover a worker that blocks."""
    return usable_processors() + 1


@dataclass(frozen=True)
class ServerSettings:
    """Where and how wide the production server listens."""

    host: str
    port: int
    workers: int
    threads: int

    def gunicorn_options(self) -> dict[str, Any]:
        """gunicorn settings; every other one keeps gunicorn's default."""
        return {
            "bind": [_bind_address(self.host, self.port)],
            "workers": self.workers,
            "threads": self.threads,
            "worker_class": "gthread" if self.threads > 1 else "sync",
            "accesslog": "-",
            "errorlog": "-",
            "logger_class": RedactingLogger,
            "post_fork": _after_fork,
            # A quiz submission or an export may take a few seconds on a busy machine; a worker
            # silent for longer than this is stuck and is replaced.
            "timeout": 60,
            "graceful_timeout": 30,
            "keepalive": 5,
            # Its socket has one fixed path per user: two servers of one user would collide.
            "control_socket_disable": True,
        }


def _bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class ProductionServer(BaseApplication):  # type: ignore[misc]
    """gunicorn running one already-built Flask app."""

    def __init__(self, app: Flask, settings: ServerSettings) -> None:
        self.application = app
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        """Apply ServerSettings; GUNICORN_CMD_ARGS may still override them (gunicorn's rule)."""
        RedactingLogger.app = self.application
        for name, value in self.settings.gunicorn_options().items():
            self.cfg.set(name, value)

    def load(self) -> Flask:
        """The app, built by `lms serve` before gunicorn started."""
        return self.application


def serve(app: Flask, settings: ServerSettings) -> None:
    """Run gunicorn in the foreground until it is stopped (Ctrl+C, SIGTERM)."""
    ProductionServer(app, settings).run()


def _after_fork(_arbiter: Any, worker: Any) -> None:
    """Give each worker its own database connections: sockets must not be shared across a fork."""
    # close=False: the arbiter's connections stay open for the arbiter (the mail worker uses
    # them); the worker only forgets its inherited copies and opens new ones.
    get_engine(worker.app.application).dispose(close=False)
    limit_malloc_arenas()  # before the worker starts its threads


class RedactingLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger, with the tokens of reset, confirmation and invitation links removed."""

    app: Flask | None = None

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        """The access-log fields, with the request line, path, query and referrer redacted."""
        atoms = super().atoms(resp, req, environ, request_time)
        if self.app is None:
            return atoms
        path = environ.get("PATH_INFO", "")
        redacted = redact_path(self.app, path)
        if redacted != path:
            atoms["r"] = f"{environ['REQUEST_METHOD']} {redacted} {environ['SERVER_PROTOCOL']}"
            atoms["U"] = redacted
            atoms["q"] = ""
        referrer = atoms.get("f", "-")
        if referrer != "-":
            atoms["f"] = atoms["{referer}i"] = _redacted_url(self.app, referrer)
        return atoms


def _redacted_url(app: Flask, url: str) -> str:
    """`url` with a link token in its path replaced (the page a request came from)."""
    parts = urlsplit(url)
    redacted = redact_path(app, parts.path)
    if redacted == parts.path:
        return url
    return urlunsplit((parts.scheme, parts.netloc, redacted, "", ""))
