"""The review of a quiz attempt over HTTP shows what the quiz's review options allow, no more.

A part that is not shown must be absent from the HTML altogether: not hidden, not in an
attribute, not in a comment. Each part is looked for by the words, classes and texts only it
puts on the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.cohorts import services as cohorts
from lms.content.review import ITEMS, MOMENTS
from lms.db import db_session
from lms.models import Role, User
from tests.content.helpers import small_course
from tests.review_cases import reached, review_cases

MODULE = "/learn/understanding-migration"
FOLDER = "01-understanding-migration"

# Every question type, each part of its review marked so that it can be found in the page.
QUIZ = """
::: quiz {#m1-q1}
Pick one.

- (x) Alpha
  > FEEDBACK-SINGLE-RIGHT
- ( ) Bravo
  > FEEDBACK-SINGLE-WRONG

> [!NOTE]
> EXPLAIN-SINGLE
:::

::: quiz {#m1-q2}
Pick several.

- [x] Charlie
  > FEEDBACK-MULTIPLE-CHARLIE
- [x] Delta
- [ ] Echo

> [!NOTE]
> EXPLAIN-MULTIPLE
:::

::: quiz {#m1-q3}
The sky is blue.

= true
  > FEEDBACK-TRUE

> [!NOTE]
> EXPLAIN-TRUE
:::

::: quiz {#m1-q4}
Name the keyword.

= Zulu-keyword
:::

::: quiz {#m1-q5}
Which year?

= 1951
:::

::: quiz {#m1-q6}
Match them.

- Left-one -> Right-one
- Left-two -> Right-two
:::

::: quiz {#m1-q7 type=order}
Order them.

1. First-item
2. Second-item
3. Third-item
:::
"""

# One right answer (q3, with its feedback), one partly right (q2), the rest wrong: 1.5 of 7.
WRONG: dict[str, Any] = {
    "q-m1-q1": "1",
    "q-m1-q2": ["0"],
    "q-m1-q3": "true",
    "q-m1-q4": "nothing",
    "q-m1-q5": "1950",
    "q-m1-q6-0": "1",
    "q-m1-q6-1": "0",
    "q-m1-q7-0": "2",
    "q-m1-q7-1": "3",
    "q-m1-q7-2": "1",
}
RIGHT: dict[str, Any] = {
    "q-m1-q1": "0",
    "q-m1-q2": ["0", "1"],
    "q-m1-q3": "true",
    "q-m1-q4": "zulu-keyword",
    "q-m1-q5": "1951",
    "q-m1-q6-0": "0",
    "q-m1-q6-1": "1",
    "q-m1-q7-0": "1",
    "q-m1-q7-1": "2",
    "q-m1-q7-2": "3",
}

# What only each part puts on the page (in the first, failed attempt, with the words in English).
MARKS = re.compile(r"\d+(?:\.\d+)? of \d+(?:\.\d+)? points")
TRACES: dict[str, tuple[str | re.Pattern[str], ...]] = {
    "correctness": (
        "Correct.",
        "Partly correct.",
        "Not correct.",
        "result-right",
        "result-partial",
        "result-wrong",
        "verdict",
        "chosen-right",
        "chosen-wrong",
        "Incorrect",
    ),
    "marks": (MARKS,),
    "feedback": ("FEEDBACK-", 'class="feedback"'),
    "right_answer": (
        "Correct answer",
        "Accepted answers",
        "Accepted values",
        "Correct order",
        'class="key"',
        "Zulu-keyword",
        "1951",
        "→",
        re.compile(r'class="(?:[^"]*\s)?right[\s"]'),  # the class, not chosen-right
    ),
    "explanation": ("EXPLAIN-", "Explanation", 'class="explanation"'),
}
# What each part shows when it is shown, in that same attempt.
SHOWN: dict[str, tuple[str | re.Pattern[str], ...]] = {
    "correctness": ("Not correct.", "Partly correct.", "Correct.", "verdict", "chosen-wrong"),
    "marks": ("0.5 of 1 points", "1 of 1 points", "0 of 1 points"),
    "feedback": ("FEEDBACK-SINGLE-WRONG", "FEEDBACK-MULTIPLE-CHARLIE", "FEEDBACK-TRUE"),
    "right_answer": ("Correct answer", "Zulu-keyword", "Accepted values: 1951", "Correct order"),
    "explanation": ("EXPLAIN-SINGLE", "EXPLAIN-MULTIPLE", "EXPLAIN-TRUE"),
}

# The attempts that bring a learner to each standing of the review fixtures, and the attempts
# the quiz allows; the first attempt is always a failed one.
PATHS: dict[str, tuple[int, tuple[dict[str, Any], ...]]] = {
    "failed, attempts left": (3, (WRONG,)),
    "passed, attempts left": (3, (WRONG, RIGHT)),
    "failed, no attempt left": (3, (WRONG, WRONG, WRONG)),
    "passed on the last attempt": (3, (WRONG, WRONG, RIGHT)),
    "failed, unlimited attempts": (0, (WRONG,)),
    "passed, unlimited attempts": (0, (WRONG, RIGHT)),
}


def quiz_file(review: dict[str, str], attempts: int) -> str:
    lines = "".join(f"  {item}: {moment}\n" for item, moment in review.items())
    front = f"review:\n{lines}" if lines else ""
    return (
        f"---\ntitle: Quiz\npass_mark: 70\nmax_attempts: {attempts}\n{front}---\n\n{QUIZ.strip()}\n"
    )


def course(review: dict[str, str], attempts: int = 3) -> dict[str, bytes]:
    text = quiz_file(review, attempts)
    return small_course(quiz__es__md=text, quiz__en__md=text)


def submit(client: FlaskClient, answers: dict[str, Any]) -> Any:
    page = client.get(f"{MODULE}/quiz").get_data(as_text=True)
    token = re.search(r'name="submission_token" value="([^"]+)"', page)
    version = re.search(r'name="version_id" value="(\d+)"', page)
    assert token and version
    data = {"submission_token": token[1], "lang": "en", "version_id": version[1], **answers}
    response = client.post(f"{MODULE}/quiz", data=data)
    assert response.status_code == 302
    return response


def questions_of(page: str) -> str:
    """The questions part of an attempt page (the score above it is always shown)."""
    start = page.index('<ol class="quiz-questions"')
    return page[start : page.index("</ol>", page.rindex("review-m1-q7"))]


def found(trace: str | re.Pattern[str], html: str) -> bool:
    return bool(trace.search(html)) if isinstance(trace, re.Pattern) else trace in html


def assert_review_shows(page: str, shown: set[str]) -> None:
    """The page shows every part in `shown` and leaves every other part out of its HTML."""
    questions = questions_of(page)
    for item in ITEMS:
        # Marks are looked for among the questions: the attempt's total is always shown.
        where = questions if item == "marks" else page
        if item in shown:
            missing = [str(t) for t in SHOWN[item] if not found(t, questions)]
            assert missing == [], f"{item} should be shown"
        else:
            leaks = [str(t) for t in TRACES[item] if found(t, where)]
            assert leaks == [], f"{item} should not be in the page"


@pytest.fixture
def learner(client: FlaskClient, make_user: Callable[..., User], login: Any) -> User:
    user = make_user(email="ana@example.org", ui_language="en")
    login(client, user)
    return user


SETTINGS = [
    *((f"all {moment}", {item: moment for item in ITEMS}) for moment in MOMENTS),
    *((case["name"], case["review"]) for case in review_cases()["cases"]),
]


def expected(name: str, review: dict[str, str], standing: str) -> set[str]:
    cases = {case["name"]: case for case in review_cases()["cases"]}
    if name in cases:
        return set(cases[name]["expect"][standing]["shown"])
    moment = next(iter(review.values()))
    return set(ITEMS) if reached(moment, standing) else set()


@pytest.mark.parametrize("standing", list(PATHS))
@pytest.mark.parametrize(("name", "review"), SETTINGS, ids=[name for name, _ in SETTINGS])
def test_every_item_and_moment_reviewed_as_the_standing_allows(
    client: FlaskClient,
    learner: User,
    publish_course: Callable[..., int],
    name: str,
    review: dict[str, str],
    standing: str,
) -> None:
    attempts, answers = PATHS[standing]
    publish_course(course(review, attempts))
    last = None
    for given in answers:
        last = submit(client, given)
    shown = expected(name, review, standing)
    # The first attempt, viewed now, and the page the last submission led to follow one rule.
    first = client.get(f"{MODULE}/quiz/attempts/1").get_data(as_text=True)
    assert_review_shows(first, shown)
    assert last is not None
    after_submitting = client.get(last.headers["Location"])
    assert after_submitting.status_code == 200
    assert questions_of(after_submitting.get_data(as_text=True)).count("review-m1-") == 7


def test_passing_later_reveals_the_answers_of_an_earlier_attempt(
    client: FlaskClient, learner: User, publish_course: Callable[..., int]
) -> None:
    publish_course(course({}))
    submit(client, WRONG)
    before = client.get(f"{MODULE}/quiz/attempts/1").get_data(as_text=True)
    assert_review_shows(before, {"correctness", "marks", "feedback"})
    assert (
        "Once you pass this quiz or have used every attempt, its reviews will also show the "
        "right answers and the explanations." in before
    )
    submit(client, RIGHT)
    after = client.get(f"{MODULE}/quiz/attempts/1").get_data(as_text=True)
    assert_review_shows(after, set(ITEMS))
    assert "Once you pass" not in after


def test_extra_attempts_hide_again_what_only_the_last_attempt_showed(
    app: Flask,
    client: FlaskClient,
    learner: User,
    publish_course: Callable[..., int],
) -> None:
    publish_course(course({"right_answer": "after_last_attempt"}, attempts=1))
    submit(client, WRONG)
    assert "Zulu-keyword" in client.get(f"{MODULE}/quiz/attempts/1").get_data(as_text=True)
    with app.app_context():
        from lms.models import AttemptGrant

        db_session().add(
            AttemptGrant(
                user_id=learner.id, module_slug="understanding-migration", extra=1, reason="Ill"
            )
        )
        db_session().commit()
    again = client.get(f"{MODULE}/quiz/attempts/1").get_data(as_text=True)
    assert "Zulu-keyword" not in again and "Correct answer" not in again
    assert "Once you have used every attempt" in again


def test_knowledge_checks_still_show_everything(
    client: FlaskClient, learner: User, publish_course: Callable[..., int]
) -> None:
    publish_course(course({item: "never" for item in ITEMS}))
    lesson = f"{MODULE}/key-concepts"
    client.post(f"{lesson}/check/m1-l1-c1", data={"q-m1-l1-c1": "1"})
    page = client.get(lesson).get_data(as_text=True)
    assert "It is." in page and "Correct answer" in page and "Not correct." in page


def test_instructors_see_every_part_whatever_the_learners_see(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Any,
    publish_course: Callable[..., int],
) -> None:
    publish_course(course({item: "never" for item in ITEMS}))
    learner = make_user(email="ana@example.org", ui_language="en")
    instructor = make_user(role=Role.INSTRUCTOR, ui_language="en")
    with app.app_context():
        cohort = cohorts.create_cohort(db_session(), "Edición 2027", created_by=instructor)
        cohorts.enroll(db_session(), learner, cohort)
        db_session().commit()
        cohort_id = cohort.id
    login(client, learner)
    submit(client, WRONG)
    assert_review_shows(client.get(f"{MODULE}/quiz/attempts/1").get_data(as_text=True), set())
    client.post("/logout")
    login(client, instructor)
    report = client.get(f"/manage/cohorts/{cohort_id}/learners/{learner.id}")
    assert report.status_code == 200
    html = report.get_data(as_text=True)
    # Every answer with its points, as before.
    assert "m1-q5" in html and "1950" in html and "0.5 / 1" in html and "1 / 1" in html
    preview = client.get(f"/manage/editor/files/{FOLDER}/quiz.en.md").get_data(as_text=True)
    for trace in ("EXPLAIN-SINGLE", "FEEDBACK-SINGLE-WRONG", "Zulu-keyword", "Correct answer"):
        assert trace in preview
