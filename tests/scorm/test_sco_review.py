"""The SCO's review.js applies the review options as the platform does, on the shared fixtures;
its page leaves out what a quiz never shows."""

from __future__ import annotations

import json
import re

from lms.content import build_course
from lms.content.review import ITEMS, ReviewOptions
from scorm_export.sco import render_sco
from tests.content.helpers import small_course
from tests.review_cases import alone, every_item_moment_and_standing, reached, review_cases
from tests.scorm.node import run_node

CHECK_FEEDBACK = "It is."  # the knowledge check's feedback (tests.content.helpers.CHECK)

QUIZ = """---
title: Quiz
pass_mark: 70
max_attempts: 3
{front}---

::: quiz {{#m1-q1}}
Pick one.

- (x) Alpha
  > FEEDBACK-ALPHA
- ( ) Bravo

> [!NOTE]
> EXPLAIN-ONE
:::

::: quiz {{#m1-q2}}
Which year?

= 1951
:::
"""


def js_standing(name: str) -> dict[str, object]:
    return dict(review_cases()["standings"][name])


def test_every_item_moment_and_standing_agrees_with_the_fixtures() -> None:
    combos = every_item_moment_and_standing()
    payload = [
        {"review": alone(item, moment), "standing": js_standing(name)}
        for item, moment, name in combos
    ]
    got = run_node("return input.map((c) => R.shown(c.review, c.standing));", payload)
    wrong = [
        (item, moment, name)
        for (item, moment, name), shown in zip(combos, got, strict=True)
        if [i for i in ITEMS if shown[i]] != ([item] if reached(moment, name) else [])
    ]
    assert wrong == []


def test_whole_settings_show_and_announce_what_the_fixtures_say() -> None:
    cases = review_cases()["cases"]
    payload = [
        {
            # The page hands the runtime every item, as ReviewOptions.as_dict writes them.
            "review": ReviewOptions(**case["review"]).as_dict(),
            "standing": js_standing(name),
        }
        for case in cases
        for name in case["expect"]
    ]
    got = run_node(
        "return input.map((c) => [R.shown(c.review, c.standing), R.coming(c.review, c.standing)]);",
        payload,
    )
    expected = [
        (expect["shown"], expect["coming"]) for case in cases for expect in case["expect"].values()
    ]
    assert [([i for i in ITEMS if shown[i]], coming) for shown, coming in got] == expected


def test_an_unknown_moment_shows_nothing() -> None:
    got = run_node("return R.shown({correctness: 'later'}, {passed: true, attemptsLeft: 0});", None)
    assert got["correctness"] is False


def sco_page(front: str) -> tuple[str, str, dict[str, object]]:
    """The quiz page's HTML, the lessons' HTML and the runtime's data of a small course's SCO."""
    text = QUIZ.format(front=front)
    course, problems = build_course(small_course(quiz__es__md=text, quiz__en__md=text))
    assert problems == []
    html = render_sco(course.modules[0], {}, scorm_version="1.2", lang="en")["index.html"].decode()
    data = re.search(r'<script type="application/json" id="sco-data">(.*?)</script>', html, re.S)
    assert data is not None
    quiz_start = html.index('<section class="page quiz"')
    quiz = html[quiz_start : html.index("</section>", quiz_start)]
    return quiz, html[:quiz_start], json.loads(data[1])


def tags_with_class(html: str, name: str) -> list[str]:
    """The opening tags in `html` that carry class `name`."""
    return re.findall(rf'<\w+ [^>]*class="(?:[^"]*\s)?{name}(?:\s[^"]*)?"[^>]*>', html)


def test_the_page_carries_the_review_options_and_hides_the_parts_shown_later() -> None:
    quiz, _, data = sco_page("")
    assert data["review"] == ReviewOptions().as_dict()
    for name in ("key", "feedback", "explanation"):
        tags = tags_with_class(quiz, name)
        assert tags and all(" hidden" in tag for tag in tags), name
    assert tags_with_class(quiz, "right")


def test_a_part_the_quiz_never_shows_is_left_out_of_the_page() -> None:
    front = "review:\n  feedback: never\n  right_answer: never\n  explanation: never\n"
    quiz, lessons, data = sco_page(front)
    assert (
        data["review"]
        == ReviewOptions(feedback="never", right_answer="never", explanation="never").as_dict()
    )
    for name in ("key", "feedback", "explanation", "right", "tag-right"):
        assert tags_with_class(quiz, name) == [], name
    assert not re.search("FEEDBACK-ALPHA|EXPLAIN-ONE|Correct answer", quiz)
    # Knowledge checks are practice: they keep their feedback and key.
    assert CHECK_FEEDBACK in lessons and "Correct answer" in lessons
