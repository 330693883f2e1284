"""Requests per second and latency of a lesson page and of a quiz submission, on SQLite.

Publishes the real modules into a fresh SQLite database (made by the migrations, as `lms serve`
does), signs learners in and times a bounded number of requests, either in process through
Flask's test client (the app's own cost) or over HTTP to a threaded server on 127.0.0.1.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import multiprocessing
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask
from werkzeug.datastructures import MultiDict
from werkzeug.serving import WSGIRequestHandler, make_server

from lms import create_app, migrate
from lms.auth import services as accounts
from lms.content import Module, read_tree
from lms.content.questions import Question
from lms.courses.cache import course_cache
from lms.courses.services import publish
from lms.db import db_session, get_engine

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-long"
# Hashing at full cost would time scrypt, not pages; stored hashes carry their own parameters.
CHEAP_PASSWORD_METHOD = "scrypt:1024:8:1"


@dataclass(frozen=True)
class Result:
    """Timings of one scenario."""

    name: str
    seconds: list[float]
    wall: float

    def row(self) -> str:
        """One line of the report table."""
        ms = sorted(s * 1000 for s in self.seconds)
        p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
        return (
            f"| {self.name} | {len(ms)} | {len(ms) / self.wall:.0f} | "
            f"{statistics.median(ms):.1f} | {p95:.1f} |"
        )


def form_fields(question: Question, response: Any) -> list[tuple[str, str]]:
    """The form fields a browser sends for `response` to `question`."""
    kind = question.type_name
    if kind == "multiple":
        return [(question.field(), str(i)) for i in response]
    if kind == "truefalse":
        return [(question.field(), "true" if response else "false")]
    if kind in ("matching", "order"):
        return [(question.field(str(i)), str(value)) for i, value in enumerate(response)]
    return [(question.field(), str(response))]


def build_app(folder: Path, content: Path, prefixes: Sequence[str]) -> tuple[Flask, Module]:
    """An app on a new SQLite file holding the published modules; returns it and module 1."""
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "INSTANCE_PATH": str(folder / "instance"),
            "RATELIMIT_ENABLED": False,  # many learners sign in from one address here
        }
    )
    migrate.upgrade(app)
    files = {
        path: data
        for path, data in read_tree(content).items()
        if not prefixes or path.startswith(tuple(prefixes))
    }
    with app.app_context():
        version = publish(db_session(), files).version
        db_session().commit()
        course = course_cache().get(db_session(), version.id)  # parsed once, before timing
    return app, course.modules[0]


def make_learners(app: Flask, count: int) -> list[str]:
    """Create `count` learners; returns their emails."""
    accounts.PASSWORD_METHOD = CHEAP_PASSWORD_METHOD
    emails = [f"learner{n}@example.org" for n in range(count)]
    with app.app_context():
        for email in emails:
            accounts.create_user(db_session(), email=email, name=email, password=PASSWORD)
        db_session().commit()
    return emails


class Browser:
    """One signed-in learner: sends requests through the test client or over HTTP."""

    def __init__(self, app: Flask, base: str | None, email: str) -> None:
        self.client = app.test_client() if base is None else None
        self.base = base
        self.cookie = ""
        _, page = self.request("GET", "/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token, "no CSRF token on the sign-in page"
        self.csrf_token = token.group(1)  # valid for every form of this session
        credentials = {"email": email, "password": PASSWORD, "csrf_token": self.csrf_token}
        status, _ = self.request("POST", "/login", credentials)
        assert status == 302, f"sign-in failed ({status})"

    def request(
        self, method: str, path: str, data: dict[str, Any] | list[tuple[str, str]] | None = None
    ) -> tuple[int, str]:
        """Send one request; returns the status and the body."""
        if self.client is not None:
            response = self.client.open(path, method=method, data=MultiDict(data or {}))
            return response.status_code, response.get_data(as_text=True)
        assert self.base is not None
        host, port = self.base.split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        headers = {"Cookie": self.cookie}
        body = urlencode(data, doseq=True) if data is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        text = answer.read().decode()
        cookie = answer.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        connection.close()
        return answer.status, text


class QuietHandler(WSGIRequestHandler):
    """Logs nothing per request, and sends small writes at once as production servers do."""

    # Without it Nagle's algorithm holds the body back until the headers are acknowledged,
    # which adds the client's delayed-ACK time (tens of milliseconds) to every response.
    disable_nagle_algorithm = True

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


@contextmanager
def serving(app: Flask, http: bool) -> Iterator[str | None]:
    """A threaded server on 127.0.0.1 in a process of its own when `http`; its host:port."""
    if not http:
        yield None
        return
    # A server in this process would share the interpreter lock with the clients timing it.
    get_engine(app).dispose()  # the server process opens its own database connections
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    process = multiprocessing.get_context("fork").Process(target=server.serve_forever)
    process.start()
    server.socket.close()  # the server process keeps its copy of the listening socket
    try:
        yield f"127.0.0.1:{server.server_port}"
    finally:
        process.terminate()
        process.join(timeout=10)


def timed(name: str, jobs: list[Callable[[], None]], threads: int) -> Result:
    """Run the jobs on `threads` threads; each job's duration and the wall time."""

    def run(job: Callable[[], None]) -> float:
        start = time.perf_counter()
        job()
        return time.perf_counter() - start

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        seconds = list(pool.map(run, jobs))
    return Result(name, seconds, time.perf_counter() - start)


def lesson_jobs(browsers: list[Browser], path: str, count: int) -> list[Callable[[], None]]:
    """`count` reads of a lesson page, spread over the learners."""

    def job(browser: Browser) -> Callable[[], None]:
        def read() -> None:
            status, _ = browser.request("GET", path)
            assert status == 200, status

        return read

    return [job(browsers[n % len(browsers)]) for n in range(count)]


def quiz_jobs(browsers: list[Browser], module: Module, count: int) -> list[Callable[[], None]]:
    """`count` quiz submissions with every answer right, each learner within its attempts."""
    assert module.quiz is not None
    path = f"/learn/{module.slug}/quiz"
    status, page = browsers[0].request("GET", path)
    assert status == 200, status
    fixed = dict(re.findall(r'name="(version_id|lang)" value="([^"]*)"', page))
    questions = module.quiz.text(fixed["lang"]).questions
    answers = [pair for q in questions for pair in form_fields(q, q.correct_response())]

    def job(browser: Browser, n: int) -> Callable[[], None]:
        data = [
            *fixed.items(),
            ("csrf_token", browser.csrf_token),
            ("submission_token", f"bench-{n}"),
            *answers,
        ]

        def submit() -> None:
            status, _ = browser.request("POST", path, data)
            assert status == 302, status

        return submit

    return [job(browsers[n % len(browsers)], n) for n in range(count)]


def parse_options(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per scenario")
    parser.add_argument("--http", action="store_true", help="over HTTP to a local server")
    parser.add_argument("--threads", type=int, default=1, help="concurrent clients")
    parser.add_argument("--content", type=Path, default=ROOT / "modules", help="course folder")
    parser.add_argument(
        "--modules", nargs="*", default=[], help="module folder prefixes to publish (default all)"
    )
    return parser.parse_args(argv)


def run(app: Flask, module: Module, options: argparse.Namespace) -> list[Result]:
    """Sign the learners in and time each scenario."""
    assert module.quiz is not None
    # Enough learners that every submission is a real attempt (quizzes limit attempts).
    per_learner = module.quiz.max_attempts or options.requests
    emails = make_learners(app, max(options.threads, -(-options.requests // per_learner)))
    lesson = f"/learn/{module.slug}/{module.lessons[0].slug}"
    gc.freeze()  # what a server does after start-up: the parsed course is never collected
    with serving(app, options.http) as base:
        browsers = [Browser(app, base, email) for email in emails]
        for browser in browsers[: options.threads]:
            browser.request("GET", lesson)  # warm up
        results = [
            timed("lesson page", lesson_jobs(browsers, lesson, options.requests), 1),
            timed("quiz submission", quiz_jobs(browsers, module, options.requests), 1),
        ]
        if options.threads > 1:
            name = f"lesson page, {options.threads} clients"
            jobs = lesson_jobs(browsers, lesson, options.requests)
            results.append(timed(name, jobs, options.threads))
    gc.unfreeze()
    return results


def main(argv: Sequence[str] | None = None) -> list[Result]:
    """Run the benchmark and print a Markdown table."""
    options = parse_options(argv)
    with tempfile.TemporaryDirectory() as folder:
        app, module = build_app(Path(folder), options.content, options.modules)
        results = run(app, module, options)
        get_engine(app).dispose()
    where = "HTTP to a threaded werkzeug server" if options.http else "Flask test client"
    print(f"{where}, SQLite, module {module.slug}, {options.requests} requests per row")
    print("| scenario | requests | per second | p50 ms | p95 ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for result in results:
        print(result.row())
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
