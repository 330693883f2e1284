"""Signing in and answering any question type through the page, as a learner would."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from lms.content.questions import Question


def answer(page: Page, question: Question, response: Any) -> None:
    """Fill in `response` for `question` in the form on the page."""
    field = question.field()
    kind = question.type_name
    if kind == "single":
        page.check(f'input[name="{field}"][value="{response}"]')
    elif kind == "multiple":
        for index in response:
            page.check(f'input[name="{field}"][value="{index}"]')
    elif kind == "truefalse":
        page.check(f'input[name="{field}"][value="{"true" if response else "false"}"]')
    elif kind in ("text", "numeric"):
        page.fill(f'input[name="{field}"]', str(response))
    elif kind in ("matching", "order"):
        for index, value in enumerate(response):
            page.select_option(f'select[name="{question.field(str(index))}"]', str(value))


def wrong_response(question: Question) -> Any:
    """A response that earns nothing."""
    kind = question.type_name
    right = question.correct_response()
    if kind == "single":
        return 1 if right == 0 else 0
    if kind == "multiple":
        return [i for i in range(len(question.options)) if i not in right][:1]  # type: ignore[attr-defined]
    if kind == "truefalse":
        return not right
    if kind == "text":
        return "zzz"
    if kind == "numeric":
        return "-987654"
    size = len(right)
    return [right[(i + 1) % size] for i in range(size)]


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the form and wait for the course home."""
    page.goto("/login")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', password)
    page.click('main form button[type="submit"]')
    expect(page.locator(".module-card").first).to_be_visible()
