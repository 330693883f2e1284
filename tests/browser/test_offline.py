"""Offline: a module opened online stays readable, and answers given offline wait, then go once."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import func, select

from lms.courses.services import publish
from lms.db import db_session
from lms.models import CheckAnswer, QuizAttempt, User
from tests.browser.chromium import watched_page
from tests.browser.fill import answer, sign_in
from tests.browser.test_quiz_autosave import saved_drafts
from tests.content.helpers import lesson, small_course

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]
PASSWORD = "una-clave-larga"
MODULE = "/learn/understanding-migration/"
FIRST = MODULE + "key-concepts"
SECOND = MODULE + "global-numbers"
QUIZ = MODULE + "quiz"
CHECK = "m1-l1-c1"
IMAGE = MODULE + "media/routes.png"
KEPT = ["/learn/", MODULE, FIRST, SECOND, QUIZ, IMAGE]

# The names of the offline caches, and the addresses each keeps.
CACHED = """async () => {
  const kept = {};
  for (const name of await caches.keys()) {
    kept[name] = (await (await caches.open(name)).keys()).map((request) => request.url);
  }
  return kept;
}"""
ALL_KEPT = """async (paths) => {
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    const urls = paths.map((path) => new URL(path, location.href).href);
    const found = await Promise.all(urls.map((url) => cache.match(url)));
    if (found.every(Boolean)) {
      return true;
    }
  }
  return false;
}"""


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def course() -> dict[str, bytes]:
    """The small course with a second lesson that shows an image."""
    pictured = "Text.\n\n![Routes](media/routes.png)\n"
    files = small_course(
        **{
            "02-global-numbers.es.md": lesson("Cifras", pictured),
            "02-global-numbers.en.md": lesson("Numbers", pictured),
        }
    )
    files["01-understanding-migration/media/routes.png"] = png()
    return files


@pytest.fixture
def learner(app: Flask, make_user: Callable[..., User]) -> User:
    with app.app_context():
        publish(db_session(), course())
        db_session().commit()
    return make_user(email="lucia@example.org", password=PASSWORD, ui_language="en")


@pytest.fixture
def page(chromium: Browser, live_server: str) -> Iterator[Page]:
    """A page whose scripts must throw nothing."""
    with watched_page(chromium, base_url=live_server) as opened:
        yield opened


def counts(app: Flask, user: User) -> tuple[int, int]:
    """The learner's quiz attempts and knowledge-check answers in the database."""
    with app.app_context():
        session = db_session()
        attempts = session.scalar(
            select(func.count()).select_from(QuizAttempt).where(QuizAttempt.user_id == user.id)
        )
        checks = session.scalar(
            select(func.count()).select_from(CheckAnswer).where(CheckAnswer.user_id == user.id)
        )
        return attempts or 0, checks or 0


def wait_until(page: Page, script: str, arg: Any = None, timeout: float = 10.0) -> None:
    """Wait until an (asynchronous) script of the page returns true."""
    # wait_for_function does not await a promise: the check is polled from here instead.
    deadline = time.monotonic() + timeout
    while not page.evaluate(script, arg):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {script}"
        page.wait_for_timeout(100)


def open_module_and_wait_until_kept(page: Page, user: User) -> None:
    sign_in(page, user.email, PASSWORD)
    page.goto(MODULE)
    wait_until(page, ALL_KEPT, [*KEPT, "/learn/offline"])


def outbox_line(page: Page, state: str, label: str) -> Any:
    return page.locator(f".outbox li.outbox-{state}", has_text=label)


def test_a_module_opened_online_is_read_and_answered_offline_and_each_answer_counts_once(
    app: Flask, page: Page, learner: User
) -> None:
    open_module_and_wait_until_kept(page, learner)
    page.context.set_offline(True)

    # Every lesson, its image and the quiz form come from the device.
    page.goto(SECOND)
    expect(page.locator("h1")).to_have_text("Numbers")
    image = page.locator("article.lesson img")
    expect(image).to_have_attribute("alt", "Routes")
    loaded = "img => img.complete && img.naturalWidth === 4"
    page.wait_for_function(loaded, arg=image.element_handle())
    page.goto(FIRST)
    expect(page.locator("h1")).to_have_text("Concepts")

    # A knowledge check answered offline waits, and says so where it was answered.
    check = page.locator(f"#check-{CHECK}")
    check.locator(f'input[name="q-{CHECK}"][value="0"]').check()
    check.locator("button[type=submit]").click()
    expect(outbox_line(page, "pending", "Knowledge check")).to_contain_text("waiting to be sent")
    expect(check.locator(".outbox-note")).to_contain_text("waiting to be sent")
    expect(page.locator(".outbox")).to_have_attribute("aria-live", "polite")

    # So does the quiz, submitted offline; the check still waits on this page too.
    page.goto(QUIZ)
    for question in small_course_questions():
        answer(page, question, question.correct_response())
    page.click("form.quiz-form button[type=submit]")
    expect(outbox_line(page, "pending", "Quiz")).to_be_visible()
    expect(outbox_line(page, "pending", "Knowledge check")).to_be_visible()
    assert page.url.endswith(QUIZ)
    assert counts(app, learner) == (0, 0)

    # The connection returns: both are sent, once, and the learner sees them stored.
    page.context.set_offline(False)
    expect(outbox_line(page, "stored", "Quiz")).to_be_visible()
    expect(outbox_line(page, "stored", "Knowledge check")).to_be_visible()
    expect(page.locator(".outbox li.outbox-pending")).to_have_count(0)
    assert counts(app, learner) == (1, 1)
    result = outbox_line(page, "stored", "Quiz").locator("a")
    expect(result).to_have_attribute("href", re.compile(r"/quiz/attempts/1$"))
    assert saved_drafts(page) == []

    # Reloading sends nothing again, and the quiz form is a new one, for a new attempt.
    page.reload()
    expect(page.locator("ul.attempts li")).to_have_count(1)
    expect(page.locator(".outbox li")).to_have_count(0)
    assert counts(app, learner) == (1, 1)

    # The same answers sent again (a lost reply, another tab) are recorded once all the same.
    left = page.evaluate(
        """async () => {
          const db = await new Promise((resolve) => {
            const request = indexedDB.open("lms-outbox");
            request.onsuccess = () => resolve(request.result);
          });
          const items = await new Promise((resolve) => {
            const request = db.transaction("items").objectStore("items").getAll();
            request.onsuccess = () => resolve(request.result);
          });
          return items.length;
        }"""
    )
    assert left == 0  # nothing is left in the outbox
    with app.app_context():
        token = db_session().scalars(select(QuizAttempt.submission_token)).one()
    for _ in range(2):
        page.evaluate(
            """async ([quiz, token]) => {
              const form = new FormData(document.querySelector("form.quiz-form"));
              form.set("submission_token", token);
              await fetch(quiz, {method: "POST", body: form});
            }""",
            [QUIZ, token],
        )
    page.goto(FIRST)
    check = page.locator(f"#check-{CHECK}")
    check.locator("details.retry summary").click()
    check.locator(f'input[name="q-{CHECK}"][value="1"]').check()
    check.locator("button[type=submit]").click()
    expect(page.locator(f"#review-{CHECK} .result")).to_have_class(re.compile("result-wrong"))
    assert counts(app, learner) == (1, 1)


def test_a_quiz_sent_while_the_server_cannot_be_reached_waits_though_the_device_is_online(
    app: Flask, page: Page, learner: User
) -> None:
    """A router whose line is down: navigator.onLine says online, yet no post can arrive."""
    open_module_and_wait_until_kept(page, learner)
    page.goto(QUIZ)
    assert page.evaluate("navigator.onLine") is True

    def nothing_but_reading(route: Any) -> None:
        if route.request.method == "GET":
            route.continue_()
        else:
            route.abort("internetdisconnected")

    page.route("**/*", nothing_but_reading)
    for question in small_course_questions():
        answer(page, question, question.correct_response())
    page.click("form.quiz-form button[type=submit]")
    expect(outbox_line(page, "pending", "Quiz")).to_be_visible()
    assert page.url.endswith(QUIZ)
    assert counts(app, learner) == (0, 0)

    # The server answers again: the next page sends what waits, once.
    page.unroute_all()
    page.reload()
    expect(outbox_line(page, "stored", "Quiz")).to_be_visible()
    assert counts(app, learner) == (1, 0)


def small_course_questions() -> list[Any]:
    from lms.content import load_course

    quiz = load_course(course()).modules[0].quiz
    assert quiz is not None
    return list(quiz.text("en").questions)


def test_a_page_never_opened_shows_the_offline_page(page: Page, learner: User) -> None:
    open_module_and_wait_until_kept(page, learner)
    page.context.set_offline(True)
    page.goto("/learn/certificate")
    expect(page.locator("h1")).to_have_text("This page is not available offline")
    page.click("main a.button")
    expect(page.locator("h1")).to_have_text("Pre-course modules")


def test_signing_out_empties_the_offline_copy(page: Page, learner: User) -> None:
    open_module_and_wait_until_kept(page, learner)
    page.click("header form button[type=submit]")
    expect(page.locator("input[name=email]")).to_be_visible()
    wait_until(page, f"({CACHED})().then((kept) => Object.keys(kept).length === 0)")

    # Offline, the module is gone with it.
    page.context.set_offline(True)
    with pytest.raises(PlaywrightError):
        page.goto(FIRST)


def test_another_learner_at_the_same_browser_never_gets_the_first_ones_pages(
    app: Flask,
    page: Page,
    learner: User,
    make_user: Callable[..., User],
    chromium: Browser,
    live_server: str,
) -> None:
    open_module_and_wait_until_kept(page, learner)

    # Someone else's session arrives in this browser without passing the sign-in page.
    other = make_user(email="bruno@example.org", password=PASSWORD, ui_language="en")
    with watched_page(chromium, base_url=live_server) as elsewhere:
        sign_in(elsewhere, other.email, PASSWORD)
        cookies = elsewhere.context.cookies()
    page.context.clear_cookies()
    page.context.add_cookies(cookies)
    page.goto("/learn/")
    expect(page.locator("header")).to_contain_text("Account")
    wait_until(
        page,
        f"""({CACHED})().then((kept) => {{
          const names = Object.keys(kept);
          return names.length === 1 && names[0].endsWith(":{other.id}");
        }})""",
    )
    kept = page.evaluate(CACHED)
    addresses = next(iter(kept.values()))
    assert not any(address.endswith(FIRST) for address in addresses)

    page.context.set_offline(True)
    page.goto(FIRST)
    expect(page.locator("h1")).to_have_text("This page is not available offline")


def test_an_answer_refused_on_return_is_kept_until_the_learner_signs_in_again(
    app: Flask, page: Page, learner: User, chromium: Browser, live_server: str
) -> None:
    open_module_and_wait_until_kept(page, learner)
    page.goto(FIRST)
    page.context.set_offline(True)
    check = page.locator(f"#check-{CHECK}")
    check.locator(f'input[name="q-{CHECK}"][value="0"]').check()
    check.locator("button[type=submit]").click()
    expect(outbox_line(page, "pending", "Knowledge check")).to_be_visible()

    # Meanwhile the learner signs out on another device, which ends this session too.
    with watched_page(chromium, base_url=live_server) as elsewhere:
        sign_in(elsewhere, learner.email, PASSWORD)
        elsewhere.click("header form button[type=submit]")
        expect(elsewhere.locator("input[name=email]")).to_be_visible()

    page.context.set_offline(False)
    held = outbox_line(page, "held", "Knowledge check")
    expect(held).to_contain_text("Reload this page")
    expect(check.locator(".outbox-note")).to_contain_text("Reload this page")
    assert counts(app, learner) == (0, 0)

    # Signed in again, the next page sends it.
    sign_in(page, learner.email, PASSWORD)
    expect(outbox_line(page, "stored", "Knowledge check")).to_be_visible()
    assert counts(app, learner) == (0, 1)


def test_without_service_workers_pages_work_online_and_answers_still_wait(
    app: Flask, chromium: Browser, live_server: str, learner: User
) -> None:
    with watched_page(chromium, base_url=live_server, service_workers="block") as page:
        sign_in(page, learner.email, PASSWORD)
        page.goto(FIRST)
        check = page.locator(f"#check-{CHECK}")
        page.context.set_offline(True)
        check.locator(f'input[name="q-{CHECK}"][value="0"]').check()
        check.locator("button[type=submit]").click()
        expect(outbox_line(page, "pending", "Knowledge check")).to_be_visible()
        page.context.set_offline(False)
        expect(page.locator(f"#review-{CHECK} .result")).to_have_class(re.compile("result-right"))
        expect(outbox_line(page, "stored", "Knowledge check")).to_be_visible()
        assert page.evaluate("caches.keys()") == []
        assert counts(app, learner) == (0, 1)
