"""Knowledge checks answer in place with JavaScript, and by an ordinary post without it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from lms.courses.services import publish
from lms.db import db_session
from tests.browser.fill import sign_in
from tests.content.helpers import small_course

pytestmark = pytest.mark.browser
PASSWORD = "una-clave-larga"
LESSON = "/learn/understanding-migration/key-concepts"
CHECK = "m1-l1-c1"


@pytest.fixture
def learner(app: Flask, make_user: Any) -> Any:
    with app.app_context():
        publish(db_session(), small_course())
        db_session().commit()
    return make_user(email="lucia@example.org", password=PASSWORD)



def test_feedback_replaces_the_check_without_leaving_the_page(page: Page, learner: Any) -> None:
    sign_in(page, learner.email, PASSWORD)
    page.goto(LESSON)
    page.evaluate("window.stillTheSamePage = true")
    check = page.locator(f"#check-{CHECK}")
    check.locator(f'input[name="q-{CHECK}"][value="0"]').check()
    check.locator("button[type=submit]").click()

    result = page.locator(f"#review-{CHECK} .result")
    expect(result).to_have_class(re.compile("result-right"))
    expect(page.locator(f"#review-{CHECK}")).to_be_focused()
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.url.endswith(LESSON)

    # Answering again works in the replaced check too, and the latest answer is what is kept.
    check.locator("details.retry summary").click()
    check.locator(f'input[name="q-{CHECK}"][value="1"]').check()
    check.locator("button[type=submit]").click()
    expect(result).to_have_class(re.compile("result-wrong"))
    assert page.evaluate("window.stillTheSamePage") is True
    page.reload()
    expect(page.locator(f"#review-{CHECK} .result")).to_have_class(re.compile("result-wrong"))


@pytest.fixture
def page_without_javascript(page: Page, live_server: str) -> Iterator[Page]:
    browser = page.context.browser
    assert browser is not None
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_without_javascript_the_check_posts_and_comes_back_to_it(
    page_without_javascript: Page, learner: Any
) -> None:
    page = page_without_javascript
    sign_in(page, learner.email, PASSWORD)
    page.goto(LESSON)
    page.locator(f'#check-{CHECK} input[name="q-{CHECK}"][value="0"]').check()
    page.locator(f"#check-{CHECK} button[type=submit]").click()
    page.wait_for_url(re.compile(f"{LESSON}#check-{CHECK}$"))
    expect(page.locator(f"#review-{CHECK} .result")).to_have_class(re.compile("result-right"))
