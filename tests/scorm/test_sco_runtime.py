"""Shipped modules' SCOs run in Chromium under scorm-again, configured like Moodle.

Each run drives the page as a learner would and then reads back what the LMS recorded: statuses,
score, typed interactions in Moodle's formats, bookmark and suspend_data, and every API call the
SCO made with its result.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest

from lms.content import Module, build_course
from lms.content.questions import Question
from lms.content.questions.interaction import FORMATS
from lms.content.review import DEFAULT_REVIEW
from scorm_export.sco import render_sco
from tests.content.helpers import small_course
from tests.scorm.moodle_formats import interactions_of, moodle_problems, patterns_of
from tests.scorm.sco_site import (
    API_CALLS,
    Site,
    browser,
    first_launch,
    host_page,
    page,
    resume_launch,
    site,
)
from tests.shipped import COURSE, PROBLEMS

__all__ = ["browser", "page", "site"]  # fixtures

# No database is involved: CI runs these once, in the SQLite pass.
pytestmark = [pytest.mark.browser, pytest.mark.scorm_runtime]

VERSIONS = ["1.2", "2004"]
LANG = "en"
EVERY_MODULE = pytest.mark.parametrize("number", range(1, 7), ids=lambda n: f"module{n}")


def shipped_module(number: int) -> Module:
    assert not PROBLEMS
    return COURSE.modules[number - 1]


@cache
def quizless_module() -> Module:
    course, problems = build_course(small_course(quiz__es__md=None, quiz__en__md=None))
    assert not problems
    return course.modules[0]


class Launch:
    """One session of a SCO inside a host page, from launch to whatever the test does."""

    def __init__(self, page: Any, site: Site, version: str, module: Module,
                 launch: dict[str, Any], name: str, sco_page: str | None = None) -> None:
        """`sco_page` is the launch page of a SCO the site already serves (from a package);
        without it the module's SCO is rendered and served under a folder of its own."""
        self.page, self.version, self.module = page, version, module
        folder = f"{name}-{version}"
        if sco_page is None:
            site.add_sco(folder, render_sco(module, {}, scorm_version=version, lang=LANG))  # type: ignore[arg-type]
            sco_page = f"/{folder}/index.html"
        url = site.add(f"/{folder}-host-{id(launch)}.html", host_page(version, launch, sco_page))
        page.goto(url)
        self.frame = page.frame_locator("#sco")
        self.window = page.query_selector("#sco").content_frame()
        self.window.wait_for_function("() => window.scoReady === true")

    @property
    def api(self) -> str:
        return f"window.{API_CALLS[self.version]['object']}"

    def cmi(self) -> dict[str, Any]:
        data: dict[str, Any] = self.page.evaluate(f"() => {self.api}.renderCMIToJSONObject()")
        return dict(data["cmi"])

    def calls(self) -> list[dict[str, Any]]:
        return list(self.page.evaluate("() => window.calls"))

    def go_to_quiz(self) -> None:
        self.frame.locator("#toc a[href='#quiz']").click()
        self.frame.locator("#quiz").wait_for(state="visible")

    def answer(self, q: Question, right: bool) -> None:
        fieldset = self.frame.locator(f"#q-{q.id}")
        for selector, value in ui_answer(q, right):
            target = fieldset.locator(selector)
            if value is None:
                target.check()
            elif selector.startswith("select"):
                target.select_option(value)
            else:
                target.fill(value)
                target.press("Tab")  # on to the next field, as a learner does

    def submit(self) -> None:
        self.frame.locator("#quiz-submit").click()
        self.frame.locator("#quiz-result").wait_for(state="visible")

    def quit(self) -> None:
        """Leave the SCO as closing the window or the LMS's Exit button does."""
        finish = "LMSFinish" if self.version == "1.2" else "Terminate"
        self.page.evaluate("() => { document.getElementById('sco').src = 'about:blank'; }")
        self.page.wait_for_function(f"() => window.calls.some((c) => c.call === '{finish}')")


def quiz_questions(module: Module) -> tuple[Question, ...]:
    assert module.quiz is not None
    return module.quiz.texts[LANG].questions


def ui_answer(q: Question, right: bool) -> list[tuple[str, str | None]]:
    """What a learner sets in the form to answer `q` right, or with every part wrong."""
    key = q.correct_response()
    kind = q.type_name
    if kind == "single":
        wrong = next(i for i, o in enumerate(q.options) if not o.correct)  # type: ignore[attr-defined]
        return [(f"input[value='{key if right else wrong}']", None)]
    if kind == "multiple":
        options = q.options  # type: ignore[attr-defined]
        ticked = key if right else [i for i, o in enumerate(options) if not o.correct]
        return [(f"input[value='{i}']", None) for i in ticked]
    if kind == "truefalse":
        return [(f"input[value='{str(key == right).lower()}']", None)]
    if kind == "text":
        return [("input[type=text]", key if right else "not the answer")]
    if kind == "numeric":
        return [("input[type=text]", key if right else "99999")]
    size = len(key)
    # Each left item paired with the next right item; each item moved one place down.
    wrong = [(k + 1) % size for k in key] if kind == "matching" else [p % size + 1 for p in key]
    given = key if right else wrong
    return [(f"select[name='q-{q.id}-{i}']", str(v)) for i, v in enumerate(given)]


def assert_clean_calls(launch: Launch) -> None:
    """Every API call succeeded, Initialize came first and Finish/Terminate exactly once, last."""
    calls = launch.calls()
    names = API_CALLS[launch.version]["calls"]
    failed = [
        c for c in calls if c["error"] != "0" or (c["call"] != names[1] and c["result"] != "true")
    ]
    assert failed == []
    assert calls[0]["call"] == names[0]
    assert [c["call"] for c in calls].count(names[4]) == 1
    assert calls[-1]["call"] == names[4]


def assert_interactions(launch: Launch, cmi: dict[str, Any], results: set[str]) -> None:
    """One typed interaction per quiz question, with the patterns the question gives."""
    questions = quiz_questions(launch.module)
    recorded = interactions_of(cmi)
    assert [i["id"] for i in recorded] == [q.id for q in questions]
    fmt = FORMATS[launch.version]
    for q, item in zip(questions, recorded, strict=True):
        assert item["type"] == q.interaction_type
        assert patterns_of(item) == list(q.interaction_patterns(fmt))
        assert float(item["weighting"]) == q.points
        assert item["result"] in results
    assert moodle_problems(launch.version, cmi) == []


def status_of(version: str, cmi: dict[str, Any]) -> tuple[str, ...]:
    if version == "1.2":
        return (cmi["core"]["lesson_status"],)
    return (cmi["completion_status"], cmi["success_status"])


def score_of(version: str, cmi: dict[str, Any]) -> dict[str, Any]:
    return dict(cmi["core"]["score"] if version == "1.2" else cmi["score"])


def exit_of(version: str, cmi: dict[str, Any]) -> str:
    return str(cmi["core"]["exit"] if version == "1.2" else cmi["exit"])


@EVERY_MODULE
@pytest.mark.parametrize("version", VERSIONS)
def test_everything_right_passes_with_100(page: Any, site: Site, version: str,
                                          number: int) -> None:
    module = shipped_module(number)
    launch = Launch(page, site, version, module, first_launch(version, 70), f"m{number}-right")
    launch.go_to_quiz()
    for q in quiz_questions(module):
        launch.answer(q, right=True)
    launch.submit()
    summary = launch.frame.locator("#quiz-result .result-summary").text_content()
    assert summary is not None and "100%" in summary
    launch.quit()
    cmi = launch.cmi()
    score = score_of(version, cmi)
    assert (score["raw"], score["min"], score["max"]) in (("100", "0", "100"), (100, 0, 100))
    if version == "1.2":
        assert status_of(version, cmi) == ("passed",)
        assert re.fullmatch(r"\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?", cmi["core"]["session_time"])
    else:
        assert status_of(version, cmi) == ("completed", "passed")
        assert float(score["scaled"]) == 1
        assert re.fullmatch(r"PT.*S|PT.*M|PT.*H", cmi["session_time"])
    assert exit_of(version, cmi) in ("", "normal")
    assert_interactions(launch, cmi, {"correct"})
    assert_clean_calls(launch)


@EVERY_MODULE
@pytest.mark.parametrize("version", VERSIONS)
def test_everything_wrong_fails_and_offers_another_attempt(
    page: Any, site: Site, version: str, number: int
) -> None:
    module = shipped_module(number)
    launch = Launch(page, site, version, module, first_launch(version, 70), f"m{number}-wrong")
    launch.go_to_quiz()
    for q in quiz_questions(module):
        launch.answer(q, right=False)
    launch.submit()
    assert launch.frame.locator("#quiz-retry").is_visible()
    launch.quit()
    cmi = launch.cmi()
    score = score_of(version, cmi)
    assert float(score["raw"]) == 0
    # SCORM 2004: not "completed" until passed, since Moodle counts completion_status alone.
    failed = ("failed",) if version == "1.2" else ("incomplete", "failed")
    assert status_of(version, cmi) == failed
    # Attempts are left, so the learner may come back: the data must be kept.
    assert exit_of(version, cmi) == "suspend"
    assert_interactions(launch, cmi, {"wrong" if version == "1.2" else "incorrect"})
    assert_clean_calls(launch)


def commits_after(calls: list[dict[str, Any]], version: str, question_id: str) -> bool:
    """Whether a Commit followed the last value written for a question's interaction."""
    set_call, commit = API_CALLS[version]["set"], API_CALLS[version]["commit"]
    writes = [(n, c["args"]) for n, c in enumerate(calls) if c["call"] == set_call]
    prefix = next(
        (element[: -len("id")] for _, (element, value) in writes
         if element.startswith("cmi.interactions.") and element.endswith(".id")
         and value == question_id),
        None,
    )
    assert prefix is not None, f"no interaction written for {question_id}"
    last = max(n for n, (element, _) in writes if element.startswith(prefix))
    return any(c["call"] == commit for c in calls[last:])


@EVERY_MODULE
@pytest.mark.parametrize("version", VERSIONS)
def test_quit_midway_then_resume_where_the_learner_stopped(
    page: Any, site: Site, version: str, number: int
) -> None:
    module = shipped_module(number)
    questions = quiz_questions(module)
    half = len(questions) // 2
    name = f"m{number}-resume"
    first = Launch(page, site, version, module, first_launch(version, 70), name)
    first.go_to_quiz()
    # A changed answer updates its interaction rather than adding one.
    first.answer(questions[0], right=False)
    first.frame.locator(f"#q-{questions[0].id} .save-state").filter(has_text="saved.").wait_for()
    shuffled = next((q for q in questions if q.shuffle), questions[0])
    rows = f"#q-{shuffled.id} [data-index]"
    order = first.frame.locator(rows).evaluate_all("(rows) => rows.map((r) => r.dataset.index)")
    for q in questions[:half]:
        first.answer(q, right=True)
        first.frame.locator(f"#q-{q.id} .save-state").filter(has_text="Answer saved.").wait_for()
        assert commits_after(first.calls(), version, q.id)
    # On to a lesson, where a knowledge check is answered, then the window is closed.
    lesson = module.lessons[2]
    check = lesson.texts[LANG].checks[0]
    first.frame.locator(f"#toc a[href='#lesson-{lesson.slug}']").click()
    first.answer(check, right=True)
    first.frame.locator(f"[data-check='{check.id}']").click()
    first.quit()
    stored = first.cmi()
    assert exit_of(version, stored) == "suspend"
    assert status_of(version, stored) == (
        ("incomplete",) if version == "1.2" else ("incomplete", "unknown")
    )
    location = stored["core"]["lesson_location"] if version == "1.2" else stored["location"]
    assert location == f"lesson-{lesson.slug}"
    assert [i["id"] for i in interactions_of(stored)] == [q.id for q in questions[:half]]
    assert moodle_problems(version, stored) == []
    assert_clean_calls(first)

    second = Launch(page, site, version, module, resume_launch(version, stored), name)
    assert second.frame.locator(f"#lesson-{lesson.slug}").is_visible()
    assert not second.frame.locator("#intro").is_visible()
    points = f"{check.points:g}"
    expected = f"Correct. {points} of {points} points"
    assert second.frame.locator(f"#q-{check.id} .result").text_content() == expected
    second.go_to_quiz()
    # Options of `shuffle` questions come in the same order for the same learner.
    assert second.frame.locator(rows).evaluate_all("(r) => r.map((e) => e.dataset.index)") == order
    for q in questions[:half]:  # the answers of the first session are back in the form
        for selector, value in ui_answer(q, right=True):
            field = second.frame.locator(f"#q-{q.id} {selector}")
            if value is None:
                assert field.is_checked()
            else:
                assert field.input_value() == value
    for q in questions[half:]:
        second.answer(q, right=True)
    second.submit()
    second.quit()
    cmi = second.cmi()
    assert float(score_of(version, cmi)["raw"]) == 100
    assert status_of(version, cmi) == (("passed",) if version == "1.2" else ("completed", "passed"))
    assert_interactions(second, cmi, {"correct"})
    assert_clean_calls(second)


@pytest.mark.parametrize("version", VERSIONS)
def test_module_without_quiz_completes_when_every_lesson_is_seen(
    page: Any, site: Site, version: str
) -> None:
    module = quizless_module()
    assert module.quiz is None
    launch = Launch(page, site, version, module, first_launch(version, None), "no-quiz")
    check = module.lessons[0].texts[LANG].checks[0]
    launch.frame.locator("#page-next").click()
    launch.answer(check, right=False)
    launch.frame.locator(f"[data-check='{check.id}']").click()
    result = launch.frame.locator(f"#q-{check.id} .result")
    assert result.text_content() == "Not correct. 0 of 1 points"
    assert launch.frame.locator(f"#q-{check.id} .explanation").is_hidden()  # the check has none
    shown = launch.frame.locator(f"#q-{check.id} .feedback >> visible=true")
    assert shown.text_content() == "It is."
    launch.quit()
    cmi = launch.cmi()
    completed = ("completed",) if version == "1.2" else ("completed", "unknown")
    assert status_of(version, cmi) == completed
    assert score_of(version, cmi).get("raw") in ("", None)
    assert exit_of(version, cmi) in ("", "normal")
    assert interactions_of(cmi) == []  # knowledge checks are practice, not graded interactions
    assert moodle_problems(version, cmi) == []
    assert_clean_calls(launch)


def test_opened_without_an_lms_it_runs_and_says_nothing_is_recorded(page: Any, site: Site) -> None:
    site.add_sco("direct", render_sco(shipped_module(1), {}, scorm_version="1.2", lang=LANG))
    page.goto(site.base + "/direct/index.html")
    page.wait_for_function("() => window.scoReady === true")
    assert "Progress is not being recorded" in (page.locator("#sco-notice").text_content() or "")
    page.locator("#page-next").click()
    first_lesson = shipped_module(1).lessons[0].texts[LANG]
    assert page.locator("h1:visible").text_content() == first_lesson.title
    check = first_lesson.checks[0]
    for selector, _ in ui_answer(check, right=True):
        page.locator(f"#q-{check.id} {selector}").check()
    page.locator(f"[data-check='{check.id}']").click()
    assert page.locator(f"#q-{check.id} .result").text_content() == "Correct. 1 of 1 points"
    assert page.locator("#sco-alert").is_hidden()


@pytest.mark.parametrize(
    ("version", "failure"),
    [("1.2", "window.failCommit = true"), ("2004", "window.failSet = 'cmi.suspend_data'")],
    ids=["commit-fails", "setvalue-fails"],
)
def test_a_failed_save_is_shown_to_the_learner(
    page: Any, site: Site, version: str, failure: str
) -> None:
    module = shipped_module(1)
    launch = Launch(page, site, version, module, first_launch(version, 70), "m1-failing")
    launch.go_to_quiz()
    page.evaluate(f"() => {{ {failure}; }}")
    q = quiz_questions(module)[0]
    launch.answer(q, right=True)
    alert = launch.frame.locator("#sco-alert")
    alert.wait_for(state="visible")
    assert "could not be saved" in (alert.text_content() or "")
    assert launch.frame.locator(f"#q-{q.id} .save-state").text_content() == "Answer not saved yet."
    page.evaluate("() => { window.failCommit = false; window.failSet = null; }")
    alert.get_by_role("button").click()
    alert.wait_for(state="hidden")
    assert launch.frame.locator(f"#q-{q.id} .save-state").text_content() == "Answer saved."


def test_hidden_page_commits_and_closed_window_finishes_once(page: Any, site: Site) -> None:
    version = "2004"
    module = shipped_module(1)
    folder = f"m1-popup-{version}"
    site.add_sco(folder, render_sco(module, {}, scorm_version=version, lang=LANG))
    host = host_page(version, first_launch(version, 70), "about:blank")
    page.goto(site.add(f"/{folder}-host.html", host))
    # The SCO in a window of its own, finding the API through window.opener.
    with page.expect_popup() as opened:
        page.evaluate(f"() => {{ window.open('/{folder}/index.html', 'sco'); }}")
    popup = opened.value
    popup.wait_for_function("() => window.scoReady === true")
    commits = "() => window.calls.filter((c) => c.call === 'Commit').length"
    before = page.evaluate(commits)
    popup.evaluate(
        "() => { Object.defineProperty(document, 'visibilityState', {value: 'hidden'});"
        " document.dispatchEvent(new Event('visibilitychange')); }"
    )
    assert page.evaluate(commits) == before + 1
    assert page.evaluate("() => window.calls.some((c) => c.call === 'Terminate')") is False
    popup.close(run_before_unload=True)
    page.wait_for_function("() => window.calls.some((c) => c.call === 'Terminate')")
    calls = page.evaluate("() => window.calls")
    assert [c["call"] for c in calls].count("Terminate") == 1
    assert all(c["error"] == "0" for c in calls)


def test_another_attempt_keeps_the_best_score(page: Any, site: Site) -> None:
    version = "1.2"
    module = shipped_module(1)
    questions = quiz_questions(module)
    launch = Launch(page, site, version, module, first_launch(version, 70), "m1-retry")
    launch.go_to_quiz()
    for q in questions:
        launch.answer(q, right=False)
    # Partial credit: one of the right options of a multiple-response question ticked, alone.
    partial = next(q for q in questions if q.type_name == "multiple")
    fieldset = launch.frame.locator(f"#q-{partial.id}")
    for i in range(len(partial.options)):  # type: ignore[attr-defined]
        fieldset.locator(f"input[value='{i}']").set_checked(i == partial.correct_response()[0])
    launch.submit()
    launch.frame.locator("#quiz-retry").click()
    assert launch.frame.locator("#quiz-result").is_hidden()
    assert not launch.frame.locator(f"#q-{questions[0].id} input:checked").count()
    for q in questions:
        launch.answer(q, right=True)
    launch.submit()
    assert "Attempts left: 1." in (launch.frame.locator("#quiz-result").text_content() or "")
    launch.quit()
    cmi = launch.cmi()
    assert (cmi["core"]["lesson_status"], cmi["core"]["score"]["raw"]) == ("passed", "100")
    assert exit_of(version, cmi) == ""
    # Each attempt adds its own interactions: the LMS keeps both sets of answers.
    recorded = interactions_of(cmi)
    assert [i["id"] for i in recorded] == [q.id for q in questions] * 2
    first_attempt = {i["id"]: i["result"] for i in recorded[: len(questions)]}
    # One of its right options alone earns that share of its points, rounded to hundredths.
    share = round(partial.points / len(partial.correct_response()), 2)
    assert first_attempt.pop(partial.id) == f"{share:g}"
    assert set(first_attempt.values()) == {"wrong"}
    assert {i["result"] for i in recorded[len(questions):]} == {"correct"}
    assert moodle_problems(version, cmi) == []
    assert_clean_calls(launch)


@pytest.mark.parametrize("version", VERSIONS)
def test_review_mode_records_nothing(page: Any, site: Site, version: str) -> None:
    launch_data = first_launch(version, 70)
    if version == "1.2":
        launch_data["core"]["lesson_mode"] = "review"
    else:
        launch_data["mode"] = "review"
    launch = Launch(page, site, version, shipped_module(1), launch_data, "m1-review")
    assert "Review mode" in (launch.frame.locator("#sco-notice").text_content() or "")
    launch.frame.locator("#page-next").click()
    launch.quit()
    names = API_CALLS[version]["calls"]
    assert {c["call"] for c in launch.calls()} == {names[0], names[1], names[4]}
    assert_clean_calls(launch)


REVIEWED_QUIZ = """---
title: Quiz
pass_mark: 70
max_attempts: {attempts}
---

::: quiz {{#m1-q1}}
Pick one.

- (x) Alpha
  > FEEDBACK-ALPHA
- ( ) Bravo
  > FEEDBACK-BRAVO

> [!NOTE]
> EXPLAIN-ONE
:::

::: quiz {{#m1-q2 points=2}}
Which year?

= 1951

> [!NOTE]
> EXPLAIN-TWO
:::
"""


def reviewed_module(attempts: int) -> Module:
    """A small module whose quiz keeps the default review options."""
    text = REVIEWED_QUIZ.format(attempts=attempts)
    course, problems = build_course(small_course(quiz__es__md=text, quiz__en__md=text))
    assert not problems
    assert course.modules[0].quiz is not None
    assert course.modules[0].quiz.review == DEFAULT_REVIEW
    return course.modules[0]


def visible(launch: Launch, selector: str) -> list[str]:
    """The texts of the quiz's elements matching `selector` that the learner can see."""
    found = launch.frame.locator(f"#quiz-form {selector} >> visible=true").all_inner_texts()
    return [" ".join(text.split()) for text in found]


def assert_answers_hidden(launch: Launch) -> None:
    # Whether each answer is right, its points and the feedback of the chosen option: shown.
    wrong = ["Not correct. 0 of 1 points", "Not correct. 0 of 2 points"]
    assert visible(launch, ".result") == wrong
    assert visible(launch, ".feedback") == ["FEEDBACK-BRAVO"]
    # The right answers and the explanations: not yet.
    assert visible(launch, ".key") == [] and visible(launch, ".explanation") == []
    later = launch.frame.locator("#quiz-result .result-later").text_content()
    assert later == (
        "Once you pass this quiz or have used every attempt, its review will also show the "
        "right answers and the explanations."
    )


def assert_answers_shown(launch: Launch, results: list[str], feedback: str) -> None:
    assert visible(launch, ".result") == results
    assert visible(launch, ".feedback") == [feedback]
    assert visible(launch, ".key") == ["Correct answer", "Correct answer: 1951"]
    assert visible(launch, ".explanation") == ["Explanation EXPLAIN-ONE", "Explanation EXPLAIN-TWO"]
    assert launch.frame.locator("#quiz-result .result-later").text_content() == ""


@pytest.mark.parametrize("version", VERSIONS)
def test_right_answers_stay_hidden_after_a_failed_attempt_and_show_once_passed(
    page: Any, site: Site, version: str
) -> None:
    module = reviewed_module(attempts=3)
    questions = quiz_questions(module)
    name = "review-options"
    first = Launch(page, site, version, module, first_launch(version, 70), name)
    first.go_to_quiz()
    for q in questions:
        first.answer(q, right=False)
    first.submit()
    assert_answers_hidden(first)
    first.quit()
    stored = first.cmi()
    assert_clean_calls(first)
    # Back later: the attempt the SCO counted in suspend_data is reviewed by the same rule.
    second = Launch(page, site, version, module, resume_launch(version, stored), name)
    second.go_to_quiz()
    assert_answers_hidden(second)
    second.frame.locator("#quiz-retry").click()
    assert visible(second, ".key") == [] and visible(second, ".result") == []
    for q in questions:
        second.answer(q, right=True)
    second.submit()
    results = ["Correct. 1 of 1 points", "Correct. 2 of 2 points"]
    assert_answers_shown(second, results, "FEEDBACK-ALPHA")
    second.quit()
    cmi = second.cmi()
    suspend = cmi["suspend_data"]
    assert 0 < len(suspend) <= 4096
    assert_clean_calls(second)


def test_right_answers_show_after_the_last_attempt_without_passing(page: Any, site: Site) -> None:
    version = "1.2"
    module = reviewed_module(attempts=2)
    questions = quiz_questions(module)
    launch = Launch(page, site, version, module, first_launch(version, 70), "review-last")
    launch.go_to_quiz()
    for q in questions:
        launch.answer(q, right=False)
    launch.submit()
    assert_answers_hidden(launch)
    launch.frame.locator("#quiz-retry").click()
    for q in questions:
        launch.answer(q, right=False)
    launch.submit()
    assert launch.frame.locator("#quiz-retry").is_hidden()
    assert_answers_shown(
        launch, ["Not correct. 0 of 1 points", "Not correct. 0 of 2 points"], "FEEDBACK-BRAVO"
    )
    launch.quit()
    assert_clean_calls(launch)


def test_a_long_numeric_answer_is_recorded_in_full_under_2004(page: Any, site: Site) -> None:
    version = "2004"
    module = reviewed_module(attempts=3)
    choice, numeric = quiz_questions(module)
    name = "long-number"

    def type_in(launch: Launch, text: str) -> None:
        field = launch.frame.locator(f"#q-{numeric.id} input[type=text]")
        field.fill(text)
        field.press("Tab")
        state = launch.frame.locator(f"#q-{numeric.id} .save-state")
        state.filter(has_text="Answer saved.").wait_for()

    def recorded(launch: Launch) -> dict[str, Any]:
        found = [i for i in interactions_of(launch.cmi()) if i["id"] == numeric.id]
        assert len(found) == 1  # a changed answer updates its interaction
        return found[0]

    first = Launch(page, site, version, module, first_launch(version, 70), name)
    first.go_to_quiz()
    type_in(first, "12")
    assert (recorded(first)["type"], recorded(first)["learner_response"]) == ("numeric", "12")
    # Six integer digits: more than Moodle's 2004 decimal holds, so the answer goes as text.
    type_in(first, "1 234 567")
    item = recorded(first)
    assert (item["type"], item["learner_response"]) == ("fill-in", "1234567")
    assert patterns_of(item) == ["1951"]  # written again for the new type
    first.quit()
    stored = first.cmi()
    assert moodle_problems(version, stored) == []
    assert_clean_calls(first)

    # Back later: the type written in the first session is read back and changed as needed.
    second = Launch(page, site, version, module, resume_launch(version, stored), name)
    second.go_to_quiz()
    type_in(second, "1951")
    assert (recorded(second)["type"], recorded(second)["learner_response"]) == ("numeric", "1951")
    type_in(second, "-7654321,5")
    second.answer(choice, right=True)
    second.submit()
    second.quit()
    cmi = second.cmi()
    item = recorded(second)
    assert (item["type"], item["learner_response"], item["result"]) == (
        "fill-in", "-7654321.5", "incorrect")
    assert patterns_of(item) == ["1951"]
    # The score is the quiz's own, exact: 1 of 3 points.
    assert float(score_of(version, cmi)["raw"]) == 33.33
    assert status_of(version, cmi) == ("incomplete", "failed")
    assert moodle_problems(version, cmi) == []
    assert_clean_calls(second)
