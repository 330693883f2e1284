"""Pages carry an ETag of their exact bytes: an unchanged page costs a 304, never someone else's."""

from __future__ import annotations

import time
from typing import Any

import itsdangerous.timed
import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.delivery import form_tokens
from tests.conftest import csrf_token_from
from tests.delivery.helpers import BROTLI, LESSON, decoded

MODULE_PAGE = "/learn/understanding-migration/"


@pytest.fixture
def learner(client: FlaskClient, make_user: Any, login: Any, course_version: int) -> FlaskClient:
    login(client, make_user(ui_language="en"))
    client.get(LESSON)  # the session's form secret is made on its first page
    return client


def test_an_unchanged_page_is_a_304_on_revisit(learner: FlaskClient) -> None:
    first = learner.get(LESSON)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "private, no-cache"
    etag = first.headers["ETag"]
    again = learner.get(LESSON, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag


def test_a_compressed_page_is_a_304_too_with_the_coding_in_its_etag(
    learner: FlaskClient,
) -> None:
    first = learner.get(LESSON, headers=BROTLI)
    assert first.headers["Content-Encoding"] == "br"
    etag = first.headers["ETag"]
    assert etag.endswith(':br"')
    again = learner.get(LESSON, headers={**BROTLI, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    # The uncompressed page has its own ETag: a copy of one coding never stands for the other.
    plain = learner.get(LESSON, headers={"If-None-Match": etag})
    assert plain.status_code == 200
    assert plain.get_data() == decoded(first)


def test_a_proxys_weakened_etag_still_gets_a_304(learner: FlaskClient) -> None:
    """nginx turns strong ETags into weak ones when it compresses a page itself."""
    etag = learner.get(LESSON).headers["ETag"]
    assert learner.get(LESSON, headers={"If-None-Match": f"W/{etag}"}).status_code == 304


def test_head_requests_are_answered_the_same_way(learner: FlaskClient) -> None:
    etag = learner.get(LESSON).headers["ETag"]
    assert learner.head(LESSON, headers={"If-None-Match": etag}).status_code == 304


def test_a_page_that_changed_is_sent_again(learner: FlaskClient) -> None:
    before = learner.get(LESSON)
    learner.post(f"{LESSON}/complete")
    after = learner.get(LESSON, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "You have completed this lesson." in after.get_data(as_text=True)


def test_another_persons_etag_never_gets_their_page_a_304(
    app: Flask, make_user: Any, login: Any, course_version: int
) -> None:
    """One office computer, two learners: the second never gets a 304 for the first's page."""
    ana, ben = app.test_client(), app.test_client()
    login(ana, make_user(ui_language="en"))
    login(ben, make_user(ui_language="en"))
    for client in (ana, ben):
        client.get(LESSON)
    anas = ana.get(LESSON, headers=BROTLI)
    bens = ben.get(LESSON, headers={**BROTLI, "If-None-Match": anas.headers["ETag"]})
    assert bens.status_code == 200
    assert bens.headers["ETag"] != anas.headers["ETag"]
    bens_page = decoded(bens).decode()
    # Ben's page carries Ben's own form token: Ana's would be refused for him, and his for her.
    assert csrf_token_from(bens_page) != csrf_token_from(decoded(anas).decode())
    revisit = ben.get(LESSON, headers={**BROTLI, "If-None-Match": bens.headers["ETag"]})
    assert revisit.status_code == 304


def test_pages_are_private_and_always_asked_for_again(learner: FlaskClient, app: Flask) -> None:
    """No proxy may keep a page, and the browser asks before showing its copy."""
    for url in ("/learn/", MODULE_PAGE, LESSON):
        assert learner.get(url).headers["Cache-Control"] == "private, no-cache", url
    # Personal pages outside the course are not kept at all (lms.security).
    assert learner.get("/account").headers["Cache-Control"] == "no-store"
    assert app.test_client().get("/login").headers["Cache-Control"] == "private, no-cache"


def test_responses_with_their_own_caching_or_no_page_are_left_alone(
    client: FlaskClient, make_user: Any, login: Any, course_version: int
) -> None:
    login(client, make_user(role="admin", ui_language="en"))
    health = client.get("/manage/health")
    assert health.headers["Cache-Control"] == "no-store"
    assert "ETag" not in health.headers
    missing = client.get("/learn/understanding-migration/no-such-lesson")
    assert missing.status_code == 404
    assert "ETag" not in missing.headers
    done = client.post(f"{LESSON}/complete")
    assert done.status_code == 302
    assert "ETag" not in done.headers


def test_the_quiz_form_is_new_each_time_so_it_is_never_a_304(learner: FlaskClient) -> None:
    """Each quiz form carries a fresh submission key (one attempt per form): no 304 possible."""
    quiz = "/learn/understanding-migration/quiz"
    first = learner.get(quiz)
    again = learner.get(quiz, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert again.headers["ETag"] != first.headers["ETag"]


# --- The form token ------------------------------------------------------------------------


class Clock:
    """A settable time.time for the form tokens: for signing them and for checking their age."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


WINDOW = form_tokens.TOKEN_WINDOW


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Starts 10 seconds into the next window: never behind the cookies signed so far."""
    start = (int(time.time()) // WINDOW + 1) * WINDOW
    fake = Clock(start + 10)
    monkeypatch.setattr(form_tokens, "time", fake)
    monkeypatch.setattr(itsdangerous.timed, "time", fake)  # Flask-WTF's check of the age
    return fake


def token_on(client: FlaskClient, url: str = LESSON) -> str:
    return csrf_token_from(client.get(url).get_data(as_text=True))


def complete(client: FlaskClient, token: str) -> int:
    return client.post(f"{LESSON}/complete", data={"csrf_token": token}).status_code


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_the_form_token_repeats_within_its_window_and_is_accepted(
    learner: FlaskClient, clock: Clock
) -> None:
    token = token_on(learner)
    clock.now += WINDOW - 20  # 10 seconds before the window ends
    assert token_on(learner, MODULE_PAGE) == token
    assert complete(learner, token) == 302


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_the_next_window_brings_a_new_token(learner: FlaskClient, clock: Clock) -> None:
    earlier = token_on(learner)
    clock.now += WINDOW
    token = token_on(learner)
    assert token != earlier
    assert complete(learner, earlier) == 302
    assert complete(learner, token) == 302


@pytest.mark.app_config(WTF_CSRF_ENABLED=True, WTF_CSRF_TIME_LIMIT=3600)
def test_a_form_stays_valid_at_least_the_limit_less_one_window(
    learner: FlaskClient, clock: Clock
) -> None:
    shown_at = clock.now + WINDOW - 20  # shown late in its window: the token is oldest then
    clock.now = shown_at
    token = token_on(learner)
    clock.now = shown_at + 3600 - WINDOW
    assert complete(learner, token) == 302
    clock.now = shown_at + 3600
    assert complete(learner, token) == 400


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_a_token_of_another_session_is_refused(
    app: Flask, learner: FlaskClient, make_user: Any, login: Any
) -> None:
    other = app.test_client()
    login(other, make_user(ui_language="en"))
    assert complete(learner, token_on(other)) == 400
