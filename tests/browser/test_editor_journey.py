"""Instructors in a real browser: live errors, publishing, conflicts, uploads and rollback.

Set LMS_SCREENSHOT_DIR=docs/images to refresh the screenshots in docs/authoring.md.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from lms.db import db_session
from lms.learning.services import complete_lesson
from lms.models import Role, User
from tests.browser.fill import sign_in
from tests.shipped import FILES

pytestmark = pytest.mark.browser
FOLDER = "01-understanding-migration"
QUIZ = f"{FOLDER}/quiz.en.md"
LESSON = f"{FOLDER}/01-key-concepts.en.md"
SHOTS = os.environ.get("LMS_SCREENSHOT_DIR")


def shoot(page: Page, name: str) -> None:
    """Keep a screenshot for the authoring guide when asked to."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=False)


def open_editor(page: Page, path: str) -> None:
    page.goto(f"/manage/editor/files/{path}")
    page.wait_for_function("() => document.documentElement.dataset.editorReady === '1'")


def editor_text(page: Page) -> str:
    return str(page.evaluate("window.lmsEditor.getText()"))


def type_at_end(page: Page, text: str) -> None:
    """Type as a person would: click into the editor, go to the end, type."""
    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


@pytest.fixture
def instructor(make_user: Callable[..., User]) -> User:
    return make_user(
        email="ines@example.org",
        role=Role.INSTRUCTOR,
        password="una-clave-larga",
        name="Inés",
        ui_language="en",
    )


def sign_in_staff(page: Page, email: str) -> None:
    page.goto("/login")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', "una-clave-larga")
    page.click('main form button[type="submit"]')
    page.wait_for_load_state()


def test_a_broken_quiz_is_flagged_at_its_line_fixed_published_and_seen_by_a_learner(
    app: Flask,
    browser_contexts: Callable[..., Any],
    instructor: User,
    make_user: Callable[..., User],
    course_version: int,
) -> None:
    learner = make_user(email="lu@example.org", password="una-clave-larga")
    with app.app_context():
        complete_lesson(
            db_session(), learner.id, "understanding-migration", "key-concepts", course_version
        )
        db_session().commit()
    reader = browser_contexts().new_page()
    sign_in(reader, "lu@example.org", "una-clave-larga")

    page = browser_contexts(viewport={"width": 1400, "height": 900}).new_page()
    sign_in_staff(page, instructor.email)
    open_editor(page, QUIZ)
    broken_line = editor_text(page).count("\n") + 2
    started = time.monotonic()
    type_at_end(page, "\n::: quiz {#m1-q3}\nA question with no answers\n:::\n")
    problem = page.locator(f'#editor-problems a[data-line="{broken_line}"][data-here="true"]')
    expect(problem).to_be_visible(timeout=2_000)
    assert time.monotonic() - started < 2.5
    expect(page.locator(".cm-lintRange-error, .cm-lint-marker-error").first).to_be_visible()
    shoot(page, "editor-problem")

    problem.click()  # jumps to the line
    page.evaluate(
        "window.lmsEditor.setText(window.lmsEditor.getText()"
        ".replace('A question with no answers', 'Is this right?\\n\\n= true'))"
    )
    expect(problem).to_have_count(0)
    expect(page.locator("#editor-preview")).to_contain_text("Is this right?")
    # What is left is the other language, which does not ask this question yet.
    expect(page.locator("#editor-problems")).to_contain_text("quiz.es.md")
    expect(page.locator("#editor-status")).to_contain_text(re.compile("saved", re.I))

    # The Spanish file must ask the same question: parity tells the instructor where.
    page.goto("/manage/editor/changes")
    page.fill("#message", "Add a true/false question")
    page.click(".publish-form button[type=submit]")
    expect(page.locator(".publish-problems")).to_contain_text("quiz.en.md")
    page.goto(f"/manage/editor/files/{FOLDER}/quiz.es.md")
    page.wait_for_function("() => document.documentElement.dataset.editorReady === '1'")
    type_at_end(page, "\n::: quiz {#m1-q3}\n¿Es correcto?\n\n= true\n:::\n")
    expect(page.locator("#editor-status")).to_contain_text(re.compile("saved", re.I))
    page.goto("/manage/editor/changes")
    shoot(page, "editor-changes")
    page.fill("#message", "Add a true/false question")
    page.click(".publish-form button[type=submit]")
    expect(page.locator("main")).to_contain_text("Published as version 2")
    shoot(page, "editor-history")

    reader.goto("/learn/understanding-migration/quiz")
    expect(reader.locator("main")).to_contain_text("¿Es correcto?")
    reader.goto("/learn/understanding-migration/")
    expect(reader.locator(".tag-done").first).to_be_visible()  # progress kept


def test_two_instructors_on_one_file_the_second_chooses(
    browser_contexts: Callable[..., Any],
    instructor: User,
    make_user: Callable[..., User],
    course_version: int,
) -> None:
    other = make_user(
        email="otto@example.org",
        role=Role.INSTRUCTOR,
        password="una-clave-larga",
        name="Otto",
        ui_language="en",
    )
    first = browser_contexts().new_page()
    second = browser_contexts(viewport={"width": 1400, "height": 900}).new_page()
    sign_in_staff(first, instructor.email)
    sign_in_staff(second, other.email)
    open_editor(first, LESSON)
    open_editor(second, LESSON)

    type_at_end(first, "\nInés was here.\n")
    expect(first.locator("#editor-status")).to_contain_text(re.compile("saved", re.I))
    type_at_end(second, "\nOtto was here.\n")
    panel = second.locator("#editor-conflict")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("Inés")
    shoot(second, "editor-conflict")
    panel.get_by_role("button", name=re.compile("keep my", re.I)).click()
    expect(second.locator("#editor-status")).to_contain_text(re.compile("saved", re.I))
    first.reload()
    first.wait_for_function("() => document.documentElement.dataset.editorReady === '1'")
    assert "Otto was here." in editor_text(first)


def test_an_upload_whose_extension_lies_is_refused(
    page: Page, instructor: User, course_version: int, tmp_path: Path
) -> None:
    fake = tmp_path / "map.png"
    fake.write_text("<html><body>not a picture</body></html>")
    sign_in_staff(page, instructor.email)
    page.goto(f"/manage/editor/modules/{FOLDER}/media")
    page.set_input_files("#image", str(fake))
    page.click("main form button[type=submit]")
    expect(page.locator(".flash-error")).to_contain_text(re.compile("not an image", re.I))


def test_rollback_restores_the_older_text_as_a_new_version(
    page: Page, instructor: User, course_version: int
) -> None:
    sign_in_staff(page, instructor.email)
    open_editor(page, LESSON)
    original = editor_text(page)
    page.evaluate(
        "window.lmsEditor.setText(window.lmsEditor.getText().replace('Text.', 'Changed.'))"
    )
    expect(page.locator("#editor-status")).to_contain_text(re.compile("saved", re.I))
    page.evaluate("window.lmsEditor.setText(window.lmsEditor.getText())")
    page.goto("/manage/editor/changes")
    page.fill("#message", "Changed wording")
    page.click(".publish-form button[type=submit]")
    expect(page.locator("main")).to_contain_text("Published as version 2")

    page.locator("tr", has_text="import").get_by_role("button").click()
    expect(page.locator("main")).to_contain_text("live again as version 3")
    page.goto(f"/manage/editor/history/3/files/{LESSON}")
    expect(page.locator("pre.file-text")).to_contain_text("Text.")
    open_editor(page, LESSON)
    assert editor_text(page) == original


def test_a_link_to_a_line_opens_the_editor_at_that_line(
    page: Page, instructor: User, course_version: int
) -> None:
    sign_in_staff(page, instructor.email)
    page.goto(f"/manage/editor/files/{LESSON}#line-5")
    page.wait_for_function("() => document.documentElement.dataset.editorReady === '1'")
    line = page.evaluate(
        "(() => { const s = window.lmsEditor.view.state;"
        " return s.doc.lineAt(s.selection.main.head).number; })()"
    )
    assert line == 5


def test_the_shipped_course_in_the_editor(
    app: Flask, page: Page, instructor: User, publish_course: Callable[..., int]
) -> None:
    """The real modules open in the tree and the editor; also the guide's screenshots."""
    publish_course(dict(FILES))
    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in_staff(page, instructor.email)
    page.goto("/manage/editor/")
    expect(page.locator(".tree-module")).to_have_count(6)
    expect(page.locator(".tag-problems")).to_have_count(0)
    shoot(page, "editor-tree")
    open_editor(page, "01-understanding-migration/quiz.es.md")
    expect(page.locator("#editor-preview .answer-key").first).to_be_visible()
    shoot(page, "editor-quiz")
