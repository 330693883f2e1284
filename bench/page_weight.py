"""Bytes on the wire per page type, on a first visit and a revisit, compressed and not.

Serves the real modules from a fresh SQLite database (made by the migrations) on a threaded
Werkzeug server on 127.0.0.1, and loads each page type as a browser would, over plain sockets:
the page, then its style sheets, scripts and images, and /favicon.ico. Every byte the server
sends is counted (status line, headers and body as sent). A first visit starts from an empty
cache; the revisit follows at once and behaves as a browser's cache does: files still fresh
(max-age) are not asked for, the others are asked for with their validators (If-None-Match,
If-Modified-Since). Each column is one browser sending one Accept-Encoding: what Chromium
sends ("br"), gzip only, and none. See bench/README.md.
"""

from __future__ import annotations

import argparse
import gzip
import re
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import brotli  # type: ignore[import-untyped]
from flask import Flask
from lesson_page import PASSWORD, ROOT, QuietHandler, build_app, form_fields, make_learners
from werkzeug.serving import make_server

from lms.auth import services as accounts
from lms.cohorts import services as cohorts
from lms.content import Course
from lms.courses.cache import course_cache
from lms.courses.services import current_version
from lms.db import db_session, get_engine
from lms.models import Role, User

ENCODINGS = {"br": "gzip, deflate, br, zstd", "gzip": "gzip", "none": ""}
SUBRESOURCES = re.compile(
    r'<link[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"|<(?:script|img)[^>]*\bsrc="([^"]+)"'
)


@dataclass
class Fetched:
    """One response as it came over the socket."""

    status: int
    headers: dict[str, str]
    size: int  # every byte received
    body: bytes  # decoded (Content-Encoding undone)


@dataclass
class Stored:
    """What a browser cache keeps of a response."""

    etag: str | None
    last_modified: str | None
    fresh_until: float


@dataclass
class Browser:
    """Cookies, a cache and one Accept-Encoding, over a new connection per request."""

    port: int
    accept_encoding: str
    cookies: dict[str, str] = field(default_factory=dict)
    cache: dict[str, Stored] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)  # the HTML of each page held

    def request(
        self,
        method: str,
        path: str,
        data: dict[str, str] | list[tuple[str, str]] | None = None,
        extra: dict[str, str] | None = None,
    ) -> Fetched:
        """Send one request and read the whole response."""
        headers = {"Host": f"127.0.0.1:{self.port}", "Connection": "close", **(extra or {})}
        if self.accept_encoding:
            headers["Accept-Encoding"] = self.accept_encoding
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urlencode(data).encode() if data is not None else b""
        if data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Content-Length"] = str(len(body))
        head = f"{method} {path} HTTP/1.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()
        )
        with socket.create_connection(("127.0.0.1", self.port), timeout=60) as connection:
            connection.sendall(head.encode() + b"\r\n" + body)
            received = b"".join(iter(lambda: connection.recv(65536), b""))
        return self._parse(received)

    def _parse(self, received: bytes) -> Fetched:
        head, _, payload = received.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookie, _, _ = value.partition(";")
                key, _, content = cookie.partition("=")
                self.cookies[key] = content
            headers[name] = value
        if headers.get("transfer-encoding") == "chunked":
            payload = _unchunked(payload)
        coding = headers.get("content-encoding")
        if coding == "br":
            payload = brotli.decompress(payload)
        elif coding == "gzip":
            payload = gzip.decompress(payload)
        return Fetched(status, headers, len(received), payload)

    def get(self, path: str) -> Fetched:
        """GET as a browser with a cache: conditional when it holds the file, None when fresh."""
        stored = self.cache.get(path)
        extra: dict[str, str] = {}
        if stored is not None:
            if stored.fresh_until > time.monotonic():
                return Fetched(200, {}, 0, b"")
            if stored.etag:
                extra["If-None-Match"] = stored.etag
            if stored.last_modified:
                extra["If-Modified-Since"] = stored.last_modified
        fetched = self.request("GET", path, extra=extra)
        if fetched.status in (200, 204):
            self.cache[path] = _stored(fetched.headers)
        return fetched

    def load(self, path: str) -> int:
        """Open a page as a browser does; the bytes received for it and everything it uses."""
        page = self.get(path)
        assert page.status in (200, 304), f"{path}: {page.status}"
        total = page.size
        html = page.body.decode()
        if page.status == 304:
            html = self.pages[path]
        self.pages[path] = html
        for match in SUBRESOURCES.finditer(html):
            total += self.get(match[1] or match[2]).size
        return total + self.get("/favicon.ico").size

    def sign_in(self, email: str) -> None:
        token = csrf_token(self.request("GET", "/login").body.decode())
        signed_in = self.request(
            "POST", "/login", {"email": email, "password": PASSWORD, "csrf_token": token}
        )
        assert signed_in.status == 302, f"sign-in failed ({signed_in.status})"


def _unchunked(payload: bytes) -> bytes:
    body = b""
    while payload:
        size_line, _, payload = payload.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        body, payload = body + payload[:size], payload[size + 2 :]
    return body


def _stored(headers: dict[str, str]) -> Stored:
    control = headers.get("cache-control", "")
    max_age = re.search(r"max-age=(\d+)", control)
    fresh = int(max_age[1]) if max_age and "no-cache" not in control else 0
    return Stored(headers.get("etag"), headers.get("last-modified"), time.monotonic() + fresh)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no form token on the page"
    return match.group(1)


@contextmanager
def serving(app: Flask) -> Iterator[int]:
    """A threaded Werkzeug server on a free local port (in this process: nothing is timed)."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=10)


@dataclass(frozen=True)
class Site:
    """What the pages need: accounts and addresses."""

    learners: list[str]
    staff: list[str]
    pages: dict[str, str]  # page type -> address
    quiz: str


def prepare(app: Flask, browsers: int) -> Site:
    """Learners and staff for every browser, a cohort holding them, the page addresses."""
    learners = make_learners(app, browsers)
    with app.app_context():
        session = db_session()
        version = current_version(session)
        assert version is not None
        course: Course = course_cache().get(session, version.id)
        staff = []
        for number in range(browsers):
            user = accounts.create_user(
                session,
                email=f"staff{number}@example.org",
                name=f"Staff {number}",
                password=PASSWORD,
                role=Role.ADMIN,
            )
            staff.append(user.email)
        cohort = cohorts.create_cohort(session, "Bench cohort", created_by=user)
        for email in learners:
            member = session.query(User).filter_by(email=email).one()
            cohorts.enroll(session, member, cohort)
        session.commit()
        cohort_id = cohort.id
    module, lesson = max(
        ((m, lesson) for m in course.modules for lesson in m.lessons),
        key=lambda pair: pair[1].text("es").words,
    )
    first = course.modules[0]
    lesson_file = PurePosixPath(lesson.text("es").path).name
    return Site(
        learners,
        staff,
        {
            "course home": "/learn/",
            "module": f"/learn/{first.slug}/",
            f"lesson (longest: {lesson.slug})": f"/learn/{module.slug}/{lesson.slug}",
            "quiz form": f"/learn/{first.slug}/quiz",
            "quiz review": f"/learn/{first.slug}/quiz/attempts/1",
            "cohort progress": f"/manage/cohorts/{cohort_id}/progress",
            "course editor": f"/manage/editor/files/{module.folder}/{lesson_file}",
        },
        f"/learn/{first.slug}/quiz",
    )


def submit_quiz(browser: Browser, app: Flask, path: str) -> None:
    """Answer module 1's quiz (all right), so that its review exists."""
    with app.app_context():
        version = current_version(db_session())
        assert version is not None
        module = course_cache().get(db_session(), version.id).modules[0]
    assert module.quiz is not None
    page = browser.request("GET", path).body.decode()
    fixed = dict(re.findall(r'name="(version_id|lang|submission_token)" value="([^"]*)"', page))
    questions = module.quiz.text(fixed["lang"]).questions
    answers = [pair for q in questions for pair in form_fields(q, q.correct_response())]
    data = [*fixed.items(), ("csrf_token", csrf_token(page)), *answers]
    assert browser.request("POST", path, data).status == 302


def measure(
    app: Flask, site: Site, port: int, codings: Sequence[str]
) -> dict[str, dict[str, tuple[int, int]]]:
    """Page type -> coding -> (first visit, revisit) bytes."""
    results: dict[str, dict[str, tuple[int, int]]] = {}

    def visit(name: str, browser: Browser, path: str, encoding: str) -> None:
        browser.cache.clear()
        browser.pages.clear()
        first = browser.load(path)
        results.setdefault(name, {})[encoding] = (first, browser.load(path))

    for number, encoding in enumerate(codings):
        accept = ENCODINGS[encoding]
        visitor = Browser(port, accept)
        visitor.request("GET", "/login")  # the session and its form secret come with it
        visit("sign-in", visitor, "/login", encoding)
        learner = Browser(port, accept)
        learner.sign_in(site.learners[number])
        learner.request("GET", "/learn/")  # the first page after sign-in makes the form secret
        submit_quiz(learner, app, site.quiz)
        staff = Browser(port, accept)
        staff.sign_in(site.staff[number])
        staff.request("GET", "/manage")
        for name, path in site.pages.items():
            who = staff if path.startswith("/manage/") else learner
            visit(name, who, path, encoding)
    return results


def main(argv: Sequence[str] | None = None) -> dict[str, dict[str, tuple[int, int]]]:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "modules", help="course folder")
    parser.add_argument(
        "--codings",
        nargs="+",
        choices=list(ENCODINGS),
        default=list(ENCODINGS),
        help="Accept-Encoding variants to measure (default all)",
    )
    options = parser.parse_args(argv)
    codings: list[str] = options.codings
    with tempfile.TemporaryDirectory() as folder:
        app, _ = build_app(Path(folder), options.content, [])
        site = prepare(app, len(codings))
        with serving(app) as port:
            results = measure(app, site, port, codings)
        get_engine(app).dispose()
    columns = [f"{kind}, {encoding}" for encoding in codings for kind in ("first", "again")]
    print("Bytes received per page type: the page, its files and /favicon.ico")
    print("| page | " + " | ".join(columns) + " |")
    print("| --- |" + " ---: |" * len(columns))
    for name, by_encoding in results.items():
        cells = [f"{size:,}" for encoding in codings for size in by_encoding[encoding]]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
