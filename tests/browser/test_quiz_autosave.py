"""A dropped connection during a quiz loses nothing: the device keeps answers until recorded."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Route, expect
from sqlalchemy import func, select

from lms.content import Module, load_course, read_tree
from lms.content.questions import Question
from lms.courses.services import publish
from lms.db import db_session
from lms.models import QuizAttempt, User
from tests.browser.fill import answer, sign_in
from tests.content.helpers import small_course

pytestmark = pytest.mark.browser
MODULES = Path(__file__).resolve().parents[2] / "modules"
PASSWORD = "una-clave-larga"


def published(app: Flask, files: dict[str, bytes]) -> Module:
    with app.app_context():
        publish(db_session(), files)
        db_session().commit()
    module = load_course(files).modules[0]
    assert module.quiz is not None
    return module


def attempts(app: Flask, user: User) -> int:
    with app.app_context():
        statement = select(func.count()).select_from(QuizAttempt)
        return db_session().scalar(statement.where(QuizAttempt.user_id == user.id)) or 0


def expect_answered(page: Page, question: Question, response: Any) -> None:
    """The form on the page shows `response` for `question`."""
    field = question.field()
    kind = question.type_name
    if kind in ("single", "multiple", "truefalse"):
        chosen = response if kind == "multiple" else [response]
        values = [("true" if v else "false") if kind == "truefalse" else str(v) for v in chosen]
        for value in values:
            expect(page.locator(f'input[name="{field}"][value="{value}"]')).to_be_checked()
        checked = page.locator(f'input[name="{field}"]:checked')
        expect(checked).to_have_count(len(values))
    elif kind in ("text", "numeric"):
        expect(page.locator(f'input[name="{field}"]')).to_have_value(str(response))
    else:
        for index, value in enumerate(response):
            select_box = page.locator(f'select[name="{question.field(str(index))}"]')
            expect(select_box).to_have_value(str(value))


def test_answers_survive_a_reload_and_an_offline_submission_and_count_once(
    app: Flask, page: Page, make_user: Any
) -> None:
    files = {p: d for p, d in read_tree(MODULES).items() if p.startswith("01-")}
    module = published(app, files)
    assert module.quiz is not None
    questions = module.quiz.text("es").questions
    user = make_user(email="lucia@example.org", password=PASSWORD)
    sign_in(page, user.email, PASSWORD)
    quiz_url = f"/learn/{module.slug}/quiz"

    # Some answers of every kind, then the page is reloaded: they are filled in again.
    page.goto(quiz_url)
    expect(page.locator(".autosave-notice")).to_have_count(0)
    kinds: dict[str, Question] = {}
    for question in questions:
        kinds.setdefault(question.type_name, question)
    some = list(kinds.values())
    for question in some:
        answer(page, question, question.correct_response())
    page.reload()
    for question in some:
        expect_answered(page, question, question.correct_response())
    expect(page.locator(".autosave-notice")).to_be_visible()

    # The connection drops; finished and submitted, the answers wait on the device.
    page.context.set_offline(True)
    for question in questions:
        if question not in some:
            answer(page, question, question.correct_response())
    page.click("form.quiz-form button[type=submit]")
    expect(page.locator(".outbox li.outbox-pending")).to_have_count(1)
    assert page.url.endswith(quiz_url)
    assert attempts(app, user) == 0

    # Back online: the outbox sends them, the server records them once, and the copy on the
    # device is gone (the outbox drops it before it reports the attempt stored).
    page.context.set_offline(False)
    stored = page.locator(".outbox li.outbox-stored a")
    expect(stored).to_have_attribute("href", re.compile(r"/quiz/attempts/1$"))
    assert attempts(app, user) == 1
    assert saved_drafts(page) == []
    stored.click()
    expect(page.locator("p.notice[role=status]").first).to_contain_text("100")

    # A second attempt, submitted online the ordinary way: its attempt page drops the copy on
    # the device. Its script runs once the page has loaded, not when its first text shows:
    # waiting for the text alone is what once found the copy still there.
    page.goto(quiz_url)
    expect(page.locator(".autosave-notice")).to_have_count(0)
    expect(page.locator("form.quiz-form input:checked")).to_have_count(0)
    for question in some:
        answer(page, question, question.correct_response())
    assert saved_drafts(page) != []
    page.click("form.quiz-form button[type=submit]")
    page.wait_for_url(re.compile(r"/quiz/attempts/2$"), wait_until="load")
    assert attempts(app, user) == 2
    assert saved_drafts(page) == []

    # The next attempt starts empty, and reloading sent nothing again.
    page.goto(quiz_url)
    expect(page.locator("ul.attempts li")).to_have_count(2)
    expect(page.locator(".autosave-notice")).to_have_count(0)
    expect(page.locator("form.quiz-form input:checked")).to_have_count(0)
    assert attempts(app, user) == 2


def saved_drafts(page: Page) -> list[str]:
    """The quiz answers kept on the device."""
    drafts: list[str] = page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('lms-quiz/'))"
    )
    return drafts


def test_a_submission_whose_answer_is_lost_on_the_way_back_counts_once(
    app: Flask, page: Page, make_user: Any
) -> None:
    module = published(app, small_course())
    assert module.quiz is not None
    questions = module.quiz.text("es").questions
    user = make_user(email="bea@example.org", password=PASSWORD)
    sign_in(page, user.email, PASSWORD)
    quiz_url = f"/learn/{module.slug}/quiz"
    page.goto(quiz_url)
    for question in questions:
        answer(page, question, question.correct_response())

    dropped: list[int] = []

    def reach_server_then_drop(route: Route) -> None:
        dropped.append(route.fetch(max_redirects=0).status)  # the server records the attempt...
        route.abort("connectionreset")  # ...but its answer never reaches the learner

    page.route(f"**{quiz_url}", reach_server_then_drop)
    with contextlib.suppress(PlaywrightError):
        page.click("form.quiz-form button[type=submit]", timeout=3_000)
    for _ in range(100):
        if dropped:
            break
        page.wait_for_timeout(50)
    page.unroute(f"**{quiz_url}")
    assert dropped == [302]
    assert attempts(app, user) == 1

    # The learner comes back: the attempt is listed, the stale copy is dropped, nothing resent.
    page.goto(quiz_url)
    expect(page.locator("ul.attempts li")).to_have_count(1)
    expect(page.locator(".autosave-notice")).to_have_count(0)
    assert saved_drafts(page) == []
    assert attempts(app, user) == 1
