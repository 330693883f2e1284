"""A learner's whole path through module 1 in a real browser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from lms.content import load_course, read_tree
from lms.courses.services import publish
from lms.db import db_session
from tests.browser.fill import answer, sign_in, wrong_response

pytestmark = pytest.mark.browser
MODULES = Path(__file__).resolve().parents[2] / "modules"


def module_one_files() -> dict[str, bytes]:
    return {path: data for path, data in read_tree(MODULES).items() if path.startswith("01-")}


def test_learner_reads_checks_fails_then_passes_and_switches_language(
    app: Flask, page: Page, live_server: str, make_user: Any
) -> None:
    files = module_one_files()
    with app.app_context():
        publish(db_session(), files)
        db_session().commit()
    module = load_course(files).modules[0]
    assert module.quiz is not None
    make_user(email="lucia@example.org", role="learner", password="una-clave-larga")

    sign_in(page, "lucia@example.org", "una-clave-larga")
    expect(page.locator(".module-card h2").first).to_contain_text(module.text("es").title)
    expect(page.locator('[role="progressbar"]').first).to_have_attribute("aria-valuenow", "0")

    # Read the first lesson and answer its first knowledge check.
    first = module.lessons[0]
    page.goto(f"/learn/{module.slug}/{first.slug}")
    expect(page.locator("article h1")).to_have_text(first.text("es").title)
    check = first.text("es").checks[0]
    answer(page, check, check.correct_response())
    page.locator(f"#check-{check.id} button[type=submit]").click()
    expect(page.locator(f"#review-{check.id} .result")).to_have_class(re.compile("result-right"))

    # Finish every lesson; the progress bar moves.
    for lesson in module.lessons:
        page.goto(f"/learn/{module.slug}/{lesson.slug}")
        page.locator("nav.pager button[type=submit]").click()
    page.goto("/learn/")
    bar = page.locator('[role="progressbar"]').first
    assert int(bar.get_attribute("aria-valuenow") or 0) > 0

    # Fail the quiz, then pass it.
    questions = module.quiz.text("es").questions
    for responder in (wrong_response, lambda q: q.correct_response()):
        page.goto(f"/learn/{module.slug}/quiz")
        for question in questions:
            answer(page, question, responder(question))
        page.click("form.quiz-form button[type=submit]")
        expect(page.locator("p.notice[role=status]").first).to_be_visible()
    expect(page.locator("p.notice[role=status]").first).to_contain_text("100")
    page.goto("/learn/")
    expect(page.locator('[role="progressbar"]').first).to_have_attribute("aria-valuenow", "100")

    # Switch to English: the course speaks English and the progress is still there.
    page.select_option("#language-select", "en")
    page.locator("form.language-switch button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".module-card h2").first).to_contain_text(module.text("en").title)
    expect(page.locator('[role="progressbar"]').first).to_have_attribute("aria-valuenow", "100")
