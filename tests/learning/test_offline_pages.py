"""What reading and answering offline rely on from the server.

The worker's script and scope, the learner named on each page, pages fetched ahead that move no
bookmark, and answers that count once however often the outbox sends them.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.db import db_session
from lms.learning.offline import LEARNER_HEADER
from lms.learning.views import OFFLINE_COPY_HEADER
from lms.models import Bookmark, CheckAnswer, QuizAttempt, User

MODULE = "/learn/understanding-migration/"
LESSON = MODULE + "key-concepts"
QUIZ = MODULE + "quiz"
CHECK_URL = LESSON + "/check/m1-l1-c1"
AHEAD = {OFFLINE_COPY_HEADER: "1"}


def rows(app: Flask, model: Any) -> int:
    with app.app_context():
        return db_session().scalar(select(func.count()).select_from(model)) or 0


def attribute(page: str, name: str) -> str:
    found = re.search(rf'{name}="([^"]*)"', page)
    assert found, f"no {name} on the page"
    return found[1]


def test_the_worker_is_served_from_the_learner_pages_without_a_stale_copy(
    client: FlaskClient,
) -> None:
    response = client.get("/learn/offline-worker.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "no-cache" in response.headers["Cache-Control"]
    assert "self.registration.scope" in response.get_data(as_text=True)


def test_learner_pages_register_the_worker_and_name_their_learner(
    client: FlaskClient, make_user: Any, login: Any, course_version: int
) -> None:
    user: User = make_user()
    login(client, user)
    response = client.get(MODULE)
    assert response.headers[LEARNER_HEADER] == str(user.id)
    page = response.get_data(as_text=True)
    assert attribute(page, "data-offline-worker") == "/learn/offline-worker.js"
    assert attribute(page, "data-scope") == "/learn/"
    # Kept ahead for reading offline: the way back to every module, then this module's page,
    # its lessons and its quiz.
    assert attribute(page, "data-keep").split() == ["/learn/", MODULE, LESSON, QUIZ]
    assert attribute(page, "data-learner") == f"{user.id}@/learn/"
    assert client.get("/learn/offline").headers[LEARNER_HEADER] == str(user.id)


def test_pages_for_no_one_name_no_learner_and_load_no_offline_script(
    client: FlaskClient, course_version: int
) -> None:
    response = client.get("/learn/verify/AAAA-BBBB-CCCC")
    assert LEARNER_HEADER not in response.headers
    assert "data-offline-worker" not in response.get_data(as_text=True)
    assert client.get("/learn/offline").status_code == 302  # sign in first


def test_the_sign_in_page_empties_the_offline_copy(client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert re.search(r'src="/static/signed-out\.[0-9a-f]+\.js"', page)
    assert attribute(page, "data-offline-scope") == "/learn/"


def test_pages_fetched_ahead_do_not_move_the_bookmark(
    app: Flask, client: FlaskClient, make_user: Any, login: Any, course_version: int
) -> None:
    login(client, make_user())
    assert client.get(LESSON, headers=AHEAD).status_code == 200
    assert client.get(QUIZ, headers=AHEAD).status_code == 200
    assert rows(app, Bookmark) == 0
    client.get(QUIZ)
    assert client.get("/learn/continue").headers["Location"].endswith(MODULE)
    client.get(LESSON, headers=AHEAD)
    assert client.get("/learn/continue").headers["Location"].endswith(MODULE)


def test_only_a_page_the_learner_opens_moves_the_bookmark(
    client: FlaskClient, make_user: Any, login: Any, course_version: int
) -> None:
    login(client, make_user())
    client.get(QUIZ)
    # A browser's speculative prefetch (both spellings of the header) and a HEAD request are
    # not the learner opening the page.
    for headers in ({"Sec-Purpose": "prefetch;prerender"}, {"Purpose": "prefetch"}):
        assert client.get(LESSON, headers=headers).status_code == 200
    assert client.head(LESSON).status_code == 200
    assert client.get("/learn/continue").headers["Location"].endswith(MODULE)
    client.get(LESSON)
    assert client.get("/learn/continue").headers["Location"].endswith(LESSON)


def test_an_answer_sent_again_and_again_counts_once(
    app: Flask, client: FlaskClient, make_user: Any, login: Any, course_version: int
) -> None:
    login(client, make_user())
    sent = {"submission_token": "the-same-form", "q-m1-q1": "1951", "q-m1-q2": "true"}
    for _ in range(3):
        response = client.post(QUIZ, data=sent, follow_redirects=True)
        # The proof the outbox looks for: this submission's attempt page.
        assert 'data-submission="the-same-form"' in response.get_data(as_text=True)
        check = client.post(CHECK_URL, data={"q-m1-l1-c1": "0"}, headers={"X-Requested-With": "x"})
        assert 'id="check-m1-l1-c1"' in check.get_data(as_text=True)
    assert rows(app, QuizAttempt) == 1
    assert rows(app, CheckAnswer) == 1


def test_under_a_prefix_the_worker_covers_the_prefixed_learner_pages(
    database_url: str, tmp_path: Any
) -> None:
    from flask import Flask as Host

    from lms.plugin import mount

    host = Host("host")
    settings = {"SECRET_KEY": "k", "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path)}
    mount(host, "/lms", settings)
    client = host.test_client()
    assert client.get("/lms/learn/offline-worker.js").status_code == 200
    page = client.get("/lms/login").get_data(as_text=True)
    assert attribute(page, "data-offline-scope") == "/lms/learn/"


def test_reading_the_same_page_again_writes_no_new_place(
    app: Flask, client: FlaskClient, make_user: Any, login: Any, course_version: int
) -> None:
    def moved_at() -> Any:
        with app.app_context():
            return db_session().scalars(select(Bookmark.updated_at)).one()

    login(client, make_user())
    client.get(LESSON)
    first = moved_at()
    client.get(LESSON)
    assert moved_at() == first, "a reload rewrote the bookmark"
    client.get(QUIZ)
    assert moved_at() > first
    assert client.get("/learn/continue").headers["Location"].endswith(MODULE)
