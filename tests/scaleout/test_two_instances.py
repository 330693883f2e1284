"""Two server instances on one database and one Redis behave as one site, over real HTTP.

A and B are separate server processes (each with several workers) sharing only the PostgreSQL
database, the Redis and the SECRET_KEY, as two machines behind a load balancer do. Whatever a
visitor does on one, the other knows at once: sessions and their end, the sign-in limits, the
published course version, and quiz submissions, each stored exactly once however it is spread.
"""

from __future__ import annotations

import html
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from itertools import cycle
from typing import Any

import pytest
from sqlalchemy import func, select

from lms.models import CourseVersion, QuizAttempt, Role, User
from tests.redis_server import TEST_REDIS_URL
from tests.scaleout.conftest import SIGN_IN_LIMIT_PER_EMAIL, TwoInstances
from tests.scaleout.site import (
    ANSWERS,
    LESSON_FILE,
    LESSON_PAGE,
    QUIZ_PAGE,
    Account,
)
from tests.scaleout.visitor import Reply, Visitor, form_token, hidden_fields

pytestmark = pytest.mark.scaleout

FORMS_PER_LEARNER = 4
# A learner's submissions that arrive at the same moment compete for the next attempt number;
# the loser is asked to submit again (409). The test resends the same form, as a browser's
# reload would, so each submission key must still end up as one attempt.
MAX_RESENDS = 20


def sign_in(visitor: Visitor, port: int, account: Account, remember: bool = False) -> Reply:
    """Sign in through the form of the instance on `port`."""
    token = form_token(visitor.get(port, "/login").text)
    form = {"email": account.email, "password": account.password, "csrf_token": token}
    if remember:
        form["remember"] = "y"
    reply = visitor.post(port, "/login", form)
    assert reply.status == 302, f"sign-in of {account.email}: {reply.status} {form_errors(reply)}"
    return reply


def test_two_instances_started_together_on_an_empty_database_prepare_it_once(
    two_instances: TwoInstances,
) -> None:
    # Both answer (the fixture waited for each): neither failed on the other's tables.
    with two_instances.database.connect() as connection:
        versions = connection.scalar(select(func.count()).select_from(CourseVersion))
        admins = connection.scalar(
            select(func.count()).select_from(User).where(User.role == Role.ADMIN)
        )
    assert (versions, admins) == (1, 1)
    print(f"\nboth instances answered {two_instances.seconds_to_ready:.1f} s after starting")


def test_a_session_made_on_a_works_on_b_until_a_sign_out_on_a(
    two_instances: TwoInstances,
) -> None:
    a, b = two_instances.a.port, two_instances.b.port
    learner = two_instances.accounts.learners[0]
    visitor = Visitor()
    sign_in(visitor, a, learner, remember=True)
    copied = dict(visitor.cookies)
    assert {"lms_session", "lms_remember"} <= set(copied)

    account_page = visitor.get(b, "/account")
    assert account_page.status == 200 and learner.email in account_page.text

    # The form token of a page B made is good on A: both sign with the same SECRET_KEY.
    signed_out = visitor.post(a, "/logout", {"csrf_token": form_token(account_page.text)})
    assert signed_out.status == 302 and signed_out.location.startswith("/login")

    alone = [{name: copied[name]} for name in ("lms_session", "lms_remember")]
    for replayed in (copied, *alone):
        refused = Visitor(replayed).get(b, "/account")
        assert refused.status == 302 and refused.location.startswith("/login"), sorted(replayed)


def test_the_sign_in_limit_counts_attempts_on_both_instances_together(
    two_instances: TwoInstances,
) -> None:
    ports = (two_instances.a.port, two_instances.b.port)
    visitor = Visitor()
    token = form_token(visitor.get(ports[0], "/login").text)

    def attempt(number: int, email: str) -> Reply:
        wrong = {"email": email, "password": "not the password", "csrf_token": token}
        return visitor.post(ports[number % 2], "/login", wrong)

    alternating, at_once = (account.email for account in two_instances.accounts.guessed)
    one_by_one = [attempt(n, alternating) for n in range(2 * SIGN_IN_LIMIT_PER_EMAIL)]
    statuses = [reply.status for reply in one_by_one]
    assert statuses == [422] * SIGN_IN_LIMIT_PER_EMAIL + [429] * SIGN_IN_LIMIT_PER_EMAIL
    assert 1 <= int(one_by_one[-1].headers["Retry-After"]) <= 60

    # At the same moment, through both instances and all their workers: still exactly the limit.
    with ThreadPoolExecutor(max_workers=16) as pool:
        together = list(pool.map(lambda n: attempt(n, at_once).status, range(16)))
    assert Counter(together) == {422: SIGN_IN_LIMIT_PER_EMAIL, 429: 16 - SIGN_IN_LIMIT_PER_EMAIL}

    # The counts are under this run's prefix (LMS_RATE_LIMIT_PREFIX), with no address in clear.
    keys = [
        key.decode() for key in _redis().scan_iter(f"*LIMITER/{two_instances.rate_limit_prefix}/*")
    ]
    assert keys and not any("@" in key for key in keys)


def test_a_version_published_through_a_is_served_by_b_within_a_second(
    two_instances: TwoInstances,
) -> None:
    a, b = two_instances.a.port, two_instances.b.port
    reader = Visitor()
    sign_in(reader, b, two_instances.accounts.learners[1])
    before = reader.get(b, LESSON_PAGE)
    assert before.status == 200 and "Texto." in before.text
    old_tag = before.headers["ETag"]
    # The same page has the same bytes on either instance, so a browser's copy is good on both.
    assert reader.get(a, LESSON_PAGE).headers["ETag"] == old_tag
    assert reader.get(b, LESSON_PAGE, {"If-None-Match": old_tag}).status == 304

    instructor = Visitor()
    sign_in(instructor, a, two_instances.accounts.instructor)
    editor = instructor.get(a, f"/manage/editor/files/{LESSON_FILE}")
    assert editor.status == 200
    fields = hidden_fields(editor.text)
    new_sentence = "Texto publicado desde la instancia A."
    saved = instructor.post(
        a,
        f"/manage/editor/files/{LESSON_FILE}",
        {
            "csrf_token": fields["csrf_token"],
            "revision": fields["revision"],
            "text": _editor_text(editor.text).replace("Texto.", new_sentence),
        },
    )
    assert saved.status == 302, saved.text[:500]
    # The draft is in the database: a save on B over the revision A replaced is a conflict.
    late = instructor.post(
        b,
        f"/manage/editor/files/{LESSON_FILE}",
        {"csrf_token": fields["csrf_token"], "revision": fields["revision"], "text": "Other.\n"},
    )
    assert late.status == 409
    published = instructor.post(
        a, "/manage/editor/publish", {"csrf_token": fields["csrf_token"], "message": "Seen on B"}
    )
    assert published.status == 302 and published.location.endswith("/manage/editor/history")
    done = time.perf_counter()

    # Poll B with the browser's copy of the old page: "unchanged" (304) or the old text is stale.
    stale = 0
    while True:
        after = reader.get(b, LESSON_PAGE, {"If-None-Match": old_tag})
        seen = time.perf_counter() - done
        if after.status == 200 and new_sentence in after.text:
            break
        stale += 1
        assert seen < 1.0, f"B still serves the old version {seen:.3f} s after publication"
        time.sleep(0.01)
    assert seen < 1.0, f"B served the new version only {seen:.3f} s after publication"
    assert after.headers["ETag"] != old_tag
    print(f"\npublication seen on B {seen * 1000:.0f} ms after A answered; stale answers: {stale}")


def test_quiz_submissions_spread_over_both_instances_are_stored_once_each(
    two_instances: TwoInstances,
) -> None:
    ports = (two_instances.a.port, two_instances.b.port)
    learners = two_instances.accounts.learners
    visitors = [Visitor() for _ in learners]
    for visitor, learner, port in zip(visitors, learners, cycle(ports), strict=False):
        sign_in(visitor, port, learner)
    # Each form shown carries its own submission token; fetch them from both instances.
    forms: list[tuple[Visitor, dict[str, str]]] = []
    for visitor in visitors:
        for _, port in zip(range(FORMS_PER_LEARNER), cycle(ports), strict=False):
            page = visitor.get(port, QUIZ_PAGE)
            assert page.status == 200
            forms.append((visitor, {**hidden_fields(page.text), **ANSWERS}))
    tokens = [form["submission_token"] for _, form in forms]
    assert len(set(tokens)) == len(tokens)

    resends = Counter[int]()

    def submit(job: tuple[int, int]) -> tuple[str, str]:
        """Send form `index` to one instance until it is stored; returns token and attempt page."""
        index, port = job
        visitor, form = forms[index]
        for _ in range(MAX_RESENDS):
            reply = visitor.post(port, QUIZ_PAGE, form)
            if reply.status != 409:
                assert reply.status == 302, f"{reply.status}: {reply.text[:500]}"
                return form["submission_token"], reply.location
            resends[port] += 1
        raise AssertionError(f"form {index} was refused {MAX_RESENDS} times")

    # Every form is sent twice at once, to A and to B, as a double click behind a load balancer.
    jobs = [(index, port) for index in range(len(forms)) for port in ports]
    with ThreadPoolExecutor(max_workers=16) as pool:
        answered = list(pool.map(submit, jobs))

    pages: dict[str, set[str]] = {}
    for token, location in answered:
        pages.setdefault(token, set()).add(location)
    assert all(len(locations) == 1 for locations in pages.values()), "one token, two attempts"
    with two_instances.database.connect() as connection:
        stored = connection.execute(
            select(QuizAttempt.submission_token, QuizAttempt.user_id, QuizAttempt.number)
        ).all()
    assert sorted(row.submission_token for row in stored) == sorted(tokens)
    numbers: dict[int, list[int]] = {}
    for row in stored:
        numbers.setdefault(row.user_id, []).append(row.number)
    assert len(numbers) == len(learners)
    assert all(sorted(taken) == list(range(1, FORMS_PER_LEARNER + 1)) for taken in numbers.values())
    print(
        f"\n{len(jobs)} submissions of {len(tokens)} forms stored as {len(stored)} attempts; "
        f"resent after a 409: {sum(resends.values())}"
    )


def _redis() -> Any:
    import redis

    return redis.Redis.from_url(TEST_REDIS_URL)


def form_errors(reply: Reply) -> str:
    """The errors a form page shows, for failure messages."""
    found = re.search(r'id="form-errors"[^>]*>(.*?)</div>', reply.text, re.DOTALL)
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip() if found else ""


def _editor_text(page: str) -> str:
    """The Markdown in the editor's text area."""
    found = re.search(r'<textarea id="editor-text"[^>]*>(.*?)</textarea>', page, re.DOTALL)
    assert found, "no editor text area on the page"
    return html.unescape(found.group(1))
