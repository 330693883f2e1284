"""SQL statements and requests per server worker, counted only when LMS_BENCH_STATS_DIR is set.

Each worker process maps a 16-byte file of its own in that folder (named after its pid) and
keeps two numbers there: requests answered and the SQL statements they ran. The runner reads
every file before and after a load run; the difference divided is statements per request.
Writing the numbers is a store into shared memory, with no system call. Without the variable
nothing is installed: the app runs exactly as in production.

Sign-in requests are left out (path /login): they are the warm-up, not the scenario.
"""

from __future__ import annotations

import mmap
import os
import struct
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from werkzeug.wsgi import ClosingIterator

STATS_ENV = "LMS_BENCH_STATS_DIR"
_LAYOUT = struct.Struct("<qq")  # requests, statements
_NOT_COUNTED = ("/login",)

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class WorkerCounter:
    """The two numbers of this worker process, in its file.

    Made before gunicorn forks its workers (the app is loaded once): each process opens its
    own file at its first request.
    """

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._pid = 0
        self._map: mmap.mmap | None = None
        self._lock = threading.Lock()
        self._local = threading.local()
        self.requests = 0
        self.statements = 0

    def _open(self) -> mmap.mmap:
        """This process's file, opened at its first request."""
        if self._map is None or self._pid != os.getpid():
            self._pid = os.getpid()
            self.requests = self.statements = 0
            path = self._folder / f"{self._pid}.stats"
            path.write_bytes(bytes(_LAYOUT.size))
            with path.open("r+b") as file:
                self._map = mmap.mmap(file.fileno(), _LAYOUT.size)
        return self._map

    def statement(self, *_args: Any) -> None:
        """A statement ran on this thread (SQLAlchemy's before_cursor_execute)."""
        self._local.statements = getattr(self._local, "statements", 0) + 1

    def start(self) -> None:
        """A request starts on this thread."""
        self._local.statements = 0

    def finish(self, path: str) -> None:
        """The request of this thread is answered; add it unless it was a sign-in step."""
        if path in _NOT_COUNTED:
            return
        with self._lock:
            shared = self._open()
            self.requests += 1
            self.statements += getattr(self._local, "statements", 0)
            _LAYOUT.pack_into(shared, 0, self.requests, self.statements)

    def wrap(self, app: WsgiApp) -> WsgiApp:
        """`app`, counting each request once its response is closed (after any teardown)."""

        def counted(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            self.start()
            path = environ.get("PATH_INFO", "")
            return ClosingIterator(app(environ, start_response), lambda: self.finish(path))

        return counted


def install(app: Any, engine: Engine | None) -> None:
    """Count `app`'s requests (and `engine`'s statements) when LMS_BENCH_STATS_DIR is set."""
    folder = os.environ.get(STATS_ENV)
    if not folder:
        return
    counter = WorkerCounter(Path(folder))
    if engine is not None:
        event.listen(engine, "before_cursor_execute", counter.statement)
    app.wsgi_app = counter.wrap(app.wsgi_app)


def read_totals(folder: Path) -> tuple[int, int]:
    """Requests and statements of every worker that has written to `folder` so far."""
    requests = statements = 0
    for path in folder.glob("*.stats"):
        data = path.read_bytes()
        if len(data) == _LAYOUT.size:
            worker_requests, worker_statements = _LAYOUT.unpack(data)
            requests += worker_requests
            statements += worker_statements
    return requests, statements
