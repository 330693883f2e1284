"""Slow links, in Chromium: bytes on the wire for a long lesson, and a throttled lesson and quiz.

Bytes are what Chromium itself counts: the `encodedDataLength` of every response of the page
(headers and compressed body), from the DevTools protocol's Network.loadingFinished. Paint
times are the page's own performance entries, so a slow test machine only adds the server's
own time, not the test's. The offline service worker is blocked here: these tests measure what
the pages cost; what the worker fetches for reading offline comes on top, when it is allowed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, CDPSession, Page, expect
from sqlalchemy import select

from lms.content import Lesson, Module
from lms.courses.services import publish
from lms.db import db_session
from lms.models import QuizAttempt
from tests.browser.fill import answer
from tests.conftest import csrf_token_from
from tests.shipped import COURSE, FILES

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]

LANG = "en"
PASSWORD = "una-clave-larga"
FIRST_VISIT_BUDGET = 30_000  # bytes
REVISIT_BUDGET = 10_000
FIRST_PAINT_BUDGET_MS = 3_000
SLOW_LINK = {  # 400 kbit/s each way, 400 ms latency
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}


def longest_lesson() -> tuple[Module, Lesson]:
    """The shipped lesson with the most words in the learner's language."""
    return max(
        ((module, lesson) for module in COURSE.modules for lesson in module.lessons),
        key=lambda pair: pair[1].text(LANG).words,
    )


def lesson_url(module: Module, lesson: Lesson) -> str:
    return f"/learn/{module.slug}/{lesson.slug}"


@pytest.fixture
def shipped_course(app: Flask) -> None:
    with app.app_context():
        publish(db_session(), FILES)
        db_session().commit()


@pytest.fixture
def learner_context(
    shipped_course: None, browser_contexts: Callable[..., BrowserContext], make_user: Any
) -> BrowserContext:
    """A browser signed in as a learner without loading a page: nothing is in its cache yet."""
    user = make_user(email="ines@example.org", password=PASSWORD, ui_language=LANG)
    context = browser_contexts(service_workers="block")
    token = csrf_token_from(context.request.get("/login").text())
    signed_in = context.request.post(
        "/login",
        form={"email": user.email, "password": PASSWORD, "csrf_token": token},
        max_redirects=0,
    )
    assert signed_in.status == 302, signed_in.text()
    return context


@dataclass
class NetworkLog:
    """Every response the page receives, as Chromium counts it (DevTools protocol events)."""

    cdp: CDPSession
    urls: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.cdp.on("Network.requestWillBeSent", self._sent)
        # The status the server sent: a revalidated page shows as 200 in responseReceived.
        self.cdp.on("Network.responseReceivedExtraInfo", self._received)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.loadingFailed", lambda event: self.failed.add(event["requestId"]))
        self.cdp.send("Network.enable")

    def _sent(self, event: dict[str, Any]) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _received(self, event: dict[str, Any]) -> None:
        self.statuses[event["requestId"]] = event["statusCode"]

    def _finished(self, event: dict[str, Any]) -> None:
        self.sizes[event["requestId"]] = int(event["encodedDataLength"])

    def clear(self) -> None:
        for record in (self.urls, self.statuses, self.sizes, self.failed):
            record.clear()

    def wait_until_settled(self, page: Page, timeout: float = 20.0) -> None:
        """Wait until every request the page started has finished (or failed)."""
        deadline = time.monotonic() + timeout
        while set(self.urls) - set(self.sizes) - self.failed:
            assert time.monotonic() < deadline, f"requests still open: {self.pending()}"
            page.wait_for_timeout(25)  # lets Playwright deliver the protocol events

    def pending(self) -> list[str]:
        return [self.urls[i] for i in set(self.urls) - set(self.sizes) - self.failed]

    def total(self) -> int:
        return sum(self.sizes.values())

    def table(self) -> str:
        return "\n".join(
            f"  {self.statuses.get(i, '---')} {self.sizes.get(i, 0):>7} B  {url}"
            for i, url in self.urls.items()
        )

    def status_of(self, url: str) -> int | None:
        return next((self.statuses.get(i) for i, u in self.urls.items() if u == url), None)


def visit(page: Page, network: NetworkLog, url: str) -> int:
    """Open `url` and wait for everything it loads; returns the bytes received."""
    network.clear()
    page.goto(url)
    network.wait_until_settled(page)
    assert not network.failed, network.table()
    return network.total()


def test_a_long_lesson_is_light_on_first_visit_and_lighter_on_revisit(
    learner_context: BrowserContext, live_server: str, record_property: Callable[[str, Any], None]
) -> None:
    module, lesson = longest_lesson()
    url = lesson_url(module, lesson)
    page = learner_context.new_page()
    network = NetworkLog(learner_context.new_cdp_session(page))

    first = visit(page, network, url)
    expect(page.locator("article h1")).to_have_text(lesson.text(LANG).title)
    first_table = network.table()
    first_urls = list(network.urls.values())
    revisit = visit(page, network, url)
    revisit_table = network.table()

    print(
        f"\nlongest lesson {url} ({lesson.text(LANG).words} words)"
        f"\nfirst visit: {first} B on the wire\n{first_table}"
        f"\nrevisit: {revisit} B on the wire\n{revisit_table}"
    )
    record_property("first_visit_bytes", first)
    record_property("revisit_bytes", revisit)
    # Nothing from another host: every request goes to the platform itself.
    assert all(u.startswith(f"{live_server}/") for u in first_urls + list(network.urls.values()))
    # The page came back as "not modified"; style sheets and scripts came from the cache.
    assert network.status_of(f"{live_server}{url}") == 304, revisit_table
    assert first <= FIRST_VISIT_BUDGET, first_table
    assert revisit <= REVISIT_BUDGET, revisit_table


def first_contentful_paint(page: Page) -> float:
    """When the page first painted text, in ms from the start of its navigation."""
    page.wait_for_function(
        "() => performance.getEntriesByName('first-contentful-paint').length > 0"
    )
    paint: float = page.evaluate(
        "performance.getEntriesByName('first-contentful-paint')[0].startTime"
    )
    return paint


def scripts_ready(page: Page) -> float:
    """When the page's deferred scripts had run (the quiz's autosave among them), in ms."""
    page.wait_for_function(
        "() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd > 0"
    )
    ready: float = page.evaluate(
        "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
    )
    return ready


def test_on_a_slow_link_a_lesson_paints_within_3_s_and_a_quiz_is_answered(
    app: Flask,
    learner_context: BrowserContext,
    record_property: Callable[[str, Any], None],
) -> None:
    module, lesson = longest_lesson()
    quiz = COURSE.modules[0]
    assert quiz.quiz is not None
    page = learner_context.new_page()
    page.set_default_timeout(30_000)  # every request waits 400 ms; a loaded machine adds more
    cdp = learner_context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_LINK)

    page.goto(lesson_url(module, lesson))
    expect(page.locator("article h1")).to_have_text(lesson.text(LANG).title)
    lesson_paint = first_contentful_paint(page)

    cdp.send("Network.clearBrowserCache")  # the quiz too as on a first visit
    page.goto(f"/learn/{quiz.slug}/quiz")
    quiz_paint = first_contentful_paint(page)
    quiz_ready = scripts_ready(page)
    questions = quiz.quiz.text(LANG).questions
    for question in questions:
        answer(page, question, question.correct_response())
    started = time.monotonic()
    page.click("form.quiz-form button[type=submit]")
    expect(page.locator("p.notice[role=status]").first).to_contain_text("100")
    submitted_in = time.monotonic() - started

    print(
        f"\n400 kbit/s, 400 ms: lesson first paint {lesson_paint:.0f} ms; quiz first paint "
        f"{quiz_paint:.0f} ms, its scripts ready {quiz_ready:.0f} ms, "
        f"{len(questions)} answers sent and reviewed in {submitted_in:.1f} s"
    )
    record_property("throttled_lesson_first_paint_ms", round(lesson_paint))
    record_property("throttled_quiz_first_paint_ms", round(quiz_paint))
    record_property("throttled_quiz_scripts_ready_ms", round(quiz_ready))
    assert lesson_paint <= FIRST_PAINT_BUDGET_MS
    assert quiz_paint <= FIRST_PAINT_BUDGET_MS
    with app.app_context():
        attempts = db_session().scalars(select(QuizAttempt)).all()
        assert [(a.module_slug, a.passed) for a in attempts] == [(quiz.slug, True)]
