"""A quiz's review options: what a review shows and when, and how the checker reads them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from lms.content import build_course
from lms.content.review import DEFAULT_REVIEW, ITEMS, MOMENTS, ReviewOptions
from tests.content.helpers import QUIZ, problems_of, small_course
from tests.review_cases import (
    alone,
    every_item_moment_and_standing,
    reached,
    review_cases,
    standing,
)
from tests.shipped import COURSE

PATH = "modules/01-understanding-migration"


def quiz_file(front: str = "", pass_mark: int = 70, attempts: int = 3) -> str:
    """A quiz file with `front` added to its front matter."""
    return (
        f"---\ntitle: Quiz\npass_mark: {pass_mark}\nmax_attempts: {attempts}\n{front}---\n\n"
        f"{QUIZ.strip()}\n"
    )


def both(front: str) -> dict[str, bytes]:
    """The small course with `front` in the front matter of both quiz files."""
    return small_course(quiz__es__md=quiz_file(front), quiz__en__md=quiz_file(front))


@pytest.mark.parametrize(("item", "moment", "name"), every_item_moment_and_standing())
def test_each_item_is_shown_exactly_when_its_moment_is_reached(
    item: str, moment: str, name: str
) -> None:
    shown = ReviewOptions(**alone(item, moment)).shown(standing(name))
    assert shown.names == ((item,) if reached(moment, name) else ())


@pytest.mark.parametrize("case", review_cases()["cases"], ids=lambda case: case["name"])
def test_whole_settings_show_and_announce_what_the_fixtures_say(case: dict[str, Any]) -> None:
    review = ReviewOptions(**case["review"])
    for name, expected in case["expect"].items():
        assert list(review.shown(standing(name)).names) == expected["shown"], name
        coming = [[moment, list(parts)] for moment, parts in review.coming(standing(name))]
        assert coming == expected["coming"], name


def test_the_fixtures_name_every_item_and_moment() -> None:
    assert set(review_cases()["moments"]) == set(MOMENTS)
    assert {item for case in review_cases()["cases"] for item in case["review"]} == set(ITEMS)


def test_a_quiz_that_says_nothing_gets_the_default() -> None:
    course, problems = build_course(small_course())
    assert problems == []
    quiz = course.modules[0].quiz
    assert quiz is not None and quiz.review == DEFAULT_REVIEW
    assert DEFAULT_REVIEW.as_dict() == {
        "correctness": "immediately",
        "marks": "immediately",
        "feedback": "immediately",
        "right_answer": "after_passing_or_last_attempt",
        "explanation": "after_passing_or_last_attempt",
    }


def test_the_shipped_modules_keep_the_default() -> None:
    assert all(m.quiz is None or m.quiz.review == DEFAULT_REVIEW for m in COURSE.modules)


def test_the_items_named_are_read_and_the_others_keep_the_default() -> None:
    course, problems = build_course(
        both("review:\n  right_answer: after_passing\n  marks: never\n")
    )
    assert problems == []
    quiz = course.modules[0].quiz
    assert quiz is not None
    assert quiz.review == ReviewOptions(marks="never", right_answer="after_passing")


def test_an_unknown_item_is_reported_at_its_line_with_what_to_write() -> None:
    problems = problems_of(both("review:\n  marks: never\n  right_answers: after_passing\n"))
    for lang in ("es", "en"):
        assert (
            f"{PATH}/quiz.{lang}.md:7: front matter: unknown review item 'right_answers' "
            "(did you mean 'right_answer'?): write one of correctness, marks, feedback, "
            "right_answer, explanation"
        ) in problems


def test_an_unknown_moment_is_reported_at_its_line_with_what_to_write() -> None:
    problems = problems_of(both("review:\n  explanation: after_pasing\n  marks: later\n"))
    assert (
        f"{PATH}/quiz.en.md:6: front matter: review 'explanation' cannot be shown "
        "'after_pasing' (did you mean 'after_passing'?): write one of immediately, "
        "after_passing, after_last_attempt, after_passing_or_last_attempt, never"
    ) in problems
    assert (
        f"{PATH}/quiz.es.md:7: front matter: review 'marks' cannot be shown 'later': write one "
        "of immediately, after_passing, after_last_attempt, after_passing_or_last_attempt, never"
    ) in problems


@pytest.mark.parametrize("value", ["never", "[marks, feedback]", "yes"])
def test_review_must_be_a_list_of_item_lines(value: str) -> None:
    problems = problems_of(both(f"review: {value}\n"))
    assert (
        f"{PATH}/quiz.es.md:5: front matter: under 'review:' write one indented 'item: when' "
        "line per part of the review, such as '  right_answer: after_passing' (items: "
        "correctness, marks, feedback, right_answer, explanation)"
    ) in problems


def test_a_review_written_on_one_line_is_read_too() -> None:
    course, problems = build_course(both("review: {feedback: after_passing}\n"))
    assert problems == []
    assert course.modules[0].quiz is not None
    assert course.modules[0].quiz.review == ReviewOptions(feedback="after_passing")


def test_languages_must_agree_on_the_review() -> None:
    files = small_course(
        quiz__es__md=quiz_file("review:\n  right_answer: after_passing\n"),
        quiz__en__md=quiz_file("review:\n  right_answer: never\n  explanation: never\n"),
    )
    assert problems_of(files) == [
        f"{PATH}/quiz.en.md:5: front matter: 'review' differs from quiz.es.md (right_answer: "
        "never here, after_passing there, explanation: never here, "
        "after_passing_or_last_attempt there): write the same 'review' lines in every language"
    ]


def test_a_review_in_one_language_only_differs_from_the_default_of_the_other() -> None:
    files = small_course(
        quiz__es__md=quiz_file(), quiz__en__md=quiz_file("review: {marks: never}\n")
    )
    assert problems_of(files) == [
        f"{PATH}/quiz.en.md:5: front matter: 'review' differs from quiz.es.md (marks: never "
        "here, immediately there): write the same 'review' lines in every language"
    ]


GUIDE = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"


def test_the_guides_examples_check_clean_and_its_tables_name_every_item_and_moment() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    fronts = re.findall(r"```markdown\n(---\n[^`]*?\nreview:\n[^`]*?\n---)\n```", guide)
    assert len(fronts) == 2  # the English and the Spanish guide
    for front in fronts:
        text = f"{front}\n\n{QUIZ.strip()}\n"
        course, problems = build_course(small_course(quiz__es__md=text, quiz__en__md=text))
        assert problems == []
        assert course.modules[0].quiz is not None
        assert course.modules[0].quiz.review == ReviewOptions(right_answer="after_passing")
    for name in (*ITEMS, *MOMENTS):
        assert guide.count(f"| `{name}` |") == 2, name
