"""The keyboard alone: a lesson, a knowledge check and a whole quiz, with the focus always seen.

Only keyboard.press and keyboard.type act on the pages (Tab, Shift+Tab, Enter, Space, arrows,
letters); the page is read, never clicked. Every stop of the focus is checked for a visible
outline or shadow.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from lms.content import load_course, read_tree
from lms.content.model import Module
from lms.content.questions import Question
from tests.browser.site import FIRST_MODULE, MODULES, Site

pytestmark = pytest.mark.browser
_learners = itertools.count(1)

# What has the focus, and whether it shows: an outline of 2 px or more, or a box shadow.
FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow !== 'none' && style.boxShadow !== '';
  return {
    what: element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
      + (element.name ? `[name=${element.name}]` : '') + (element.value ? `=${element.value}` : ''),
    shown: outline || shadow,
  };
}"""


@pytest.fixture(scope="module")
def module_one() -> Module:
    files = {path: data for path, data in read_tree(MODULES).items() if path.startswith("01-")}
    return load_course(files).modules[0]


@pytest.fixture
def keyboard_page(chromium: Any, site: Site) -> Iterator[Page]:
    """A signed-in learner's page (English interface, English content), used by keyboard."""
    learner = site.new_learner(f"keyboard{next(_learners)}@example.org")
    context = chromium.new_context(
        base_url=site.base_url, viewport={"width": 1024, "height": 768}, service_workers="block"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/login")
    tab_to(page, "#email")
    page.keyboard.type(learner.email)
    tab_to(page, "#password")
    page.keyboard.type(site.password)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/learn/$"))
    yield page
    context.close()
    assert errors == [], f"the pages' scripts threw errors: {errors}"


def focused(page: Page) -> dict[str, Any]:
    """The focused element, described, and whether its focus is visible."""
    return page.evaluate(FOCUSED)  # type: ignore[no-any-return]


def press(page: Page, key: str) -> dict[str, Any]:
    """Press a key; the focus must stay visible wherever it lands in the page.

    Past the last stop Tab leaves the page for the browser's own controls (the body is then
    the active element), and comes back at the top.
    """
    page.keyboard.press(key)
    now = focused(page)
    seen = now["shown"] or now["what"] == "body"
    assert seen, f"after {key} the focus on {now['what']} cannot be seen"
    return now


def is_focused(page: Page, selector: str) -> bool:
    return bool(page.evaluate("s => document.activeElement.matches(s)", selector))


def tab_to(page: Page, selector: str, key: str = "Tab", limit: int = 150) -> None:
    """Press Tab (or Shift+Tab) until `selector` has the focus, checking every stop."""
    if is_focused(page, selector):
        return  # there already (autofocus)
    for _ in range(limit):
        press(page, key)
        if is_focused(page, selector):
            return
    raise AssertionError(f"{selector} never got the focus by {key}")


def choose_radio(page: Page, group: str, value: str) -> None:
    """Tab into a radio group (the first option takes the focus), then Space or arrows."""
    values: list[str] = page.eval_on_selector_all(group, "all => all.map(r => r.value)")
    tab_to(page, group)
    steps = values.index(value)
    if steps == 0:
        press(page, "Space")
    for _ in range(steps):
        press(page, "ArrowDown")
    expect(page.locator(f"{group}:checked")).to_have_value(value)


def tick_boxes(page: Page, boxes: str, values: set[str]) -> None:
    """Tab along the checkboxes, ticking the wanted ones with Space."""
    order: list[str] = page.eval_on_selector_all(boxes, "all => all.map(b => b.value)")
    tab_to(page, boxes)
    for position, value in enumerate(order):
        if position:
            press(page, "Tab")
        assert is_focused(page, f'{boxes}[value="{value}"]')
        if value in values:
            press(page, "Space")


def pick_options(page: Page, selects: str, wanted: dict[str, str]) -> None:
    """Tab along the drop-downs, moving each to its wanted value with the arrow keys."""
    names: list[str] = page.eval_on_selector_all(selects, "all => all.map(s => s.name)")
    tab_to(page, selects)
    for position, name in enumerate(names):
        if position:
            press(page, "Tab")
        select = f'select[name="{name}"]'
        assert is_focused(page, select)
        options = page.eval_on_selector(select, "s => [...s.options].map(o => o.value)")
        for _ in range(options.index(wanted[name])):
            press(page, "ArrowDown")
        expect(page.locator(select)).to_have_value(wanted[name])


def answer_by_keyboard(page: Page, question: Question, scope: str) -> None:
    """Give the right answer to `question` inside `scope` with the keyboard only."""
    field = question.field()
    right = question.correct_response()
    kind = question.type_name
    if kind in ("single", "truefalse"):
        value = str(right).lower() if kind == "truefalse" else str(right)
        choose_radio(page, f'{scope} input[name="{field}"]', value)
    elif kind == "multiple":
        tick_boxes(page, f'{scope} input[name="{field}"]', {str(i) for i in right})
    elif kind in ("text", "numeric"):
        tab_to(page, f'{scope} input[name="{field}"]')
        page.keyboard.type(str(right))
    elif kind in ("matching", "order"):
        wanted = {question.field(str(i)): str(value) for i, value in enumerate(right)}
        pick_options(page, f'{scope} select[name^="{field}-"]', wanted)
    else:
        raise AssertionError(f"no keyboard answer for {kind} questions")


def test_the_skip_link_is_the_first_stop_and_moves_into_the_main_content(
    keyboard_page: Page,
) -> None:
    page = keyboard_page
    page.goto(f"/learn/{FIRST_MODULE}/key-concepts")
    press(page, "Tab")
    assert is_focused(page, "a.skip-link")
    box = page.locator("a.skip-link").bounding_box()
    assert box is not None and box["y"] >= 0, "the skip link shows when focused"
    page.keyboard.press("Enter")
    assert is_focused(page, "main#main")
    press(page, "Tab")
    assert page.evaluate("() => !!document.activeElement.closest('main')")


def test_a_lesson_its_knowledge_check_and_the_quiz_by_keyboard_alone(
    keyboard_page: Page, module_one: Module
) -> None:
    page = keyboard_page
    lesson = module_one.lessons[0]
    check = lesson.text("en").checks[0]
    page.goto(f"/learn/{FIRST_MODULE}/{lesson.slug}")

    # The knowledge check: answer, then Enter on its button; the feedback takes the focus.
    scope = f"#check-{check.id}"
    answer_by_keyboard(page, check, scope)
    tab_to(page, f"{scope} button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(f"#review-{check.id} .result")).to_have_class(re.compile("result-right"))
    expect(page.locator(f"#review-{check.id}")).to_be_focused()

    # The lesson: on to "Mark as done and continue", back with Shift+Tab and forth, then Enter.
    tab_to(page, "nav.pager button[type=submit]")
    press(page, "Shift+Tab")
    assert not is_focused(page, "nav.pager button[type=submit]")
    tab_to(page, "nav.pager button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(f"/{module_one.lessons[1].slug}$"))

    # The quiz: every question answered right, then sent with Enter.
    quiz = module_one.quiz
    assert quiz is not None
    page.goto(f"/learn/{FIRST_MODULE}/quiz")
    for question in quiz.text("en").questions:
        answer_by_keyboard(page, question, f"#q-{question.id}")
    tab_to(page, "form.quiz-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/quiz/attempts/1$"))
    expect(page.locator("p.notice-success[role=status]")).to_contain_text("100%")

    # Back on the module page, the lesson counts as done.
    page.goto(f"/learn/{FIRST_MODULE}/")
    done = page.locator("ol.lessons li", has=page.locator(".tag-done"))
    expect(done).to_have_count(1)
    expect(done.locator("a")).to_have_text(lesson.text("en").title)


def test_keyboard_answers_need_no_mouse_for_any_question_type(module_one: Module) -> None:
    """The quiz used above holds every kind of question the keyboard helper answers."""
    quiz = module_one.quiz
    assert quiz is not None
    kinds = {question.type_name for question in quiz.text("en").questions}
    assert kinds >= {"single", "truefalse", "multiple", "text", "numeric", "matching", "order"}
