"""What the pages' scripts rely on: the check fragment, the autosave keys and the scripts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from lms.learning.quiz_views import autosave_key
from lms.models import User
from tests.content.helpers import small_course

MODULE = "/learn/understanding-migration"
LESSON = f"{MODULE}/key-concepts"
CHECK_URL = f"{LESSON}/check/m1-l1-c1"
FRAGMENT = {"X-Requested-With": "fetch"}


@pytest.fixture
def learner(client: FlaskClient, make_user: Any, login: Any, course_version: int) -> User:
    user: User = make_user(email="ana@example.org")
    login(client, user)
    return user


def test_a_check_answered_by_script_comes_back_as_the_check_alone(
    client: FlaskClient, learner: User
) -> None:
    response = client.post(CHECK_URL, data={"q-m1-l1-c1": "0"}, headers=FRAGMENT)
    assert response.status_code == 200 and response.mimetype == "text/html"
    fragment = response.get_data(as_text=True).strip()
    assert fragment.startswith('<section class="check" id="check-m1-l1-c1"')
    assert fragment.endswith("</section>") and "<html" not in fragment
    assert 'id="review-m1-l1-c1"' in fragment and "result-right" in fragment
    assert "Indeed." in fragment  # the chosen option's feedback
    # It can be answered again from the fragment: a form with its CSRF field.
    assert f'action="{CHECK_URL}"' in fragment and 'name="csrf_token"' in fragment
    # Kept like an ordinary answer: the lesson page shows the same review.
    page = client.get(LESSON).get_data(as_text=True)
    assert 'id="review-m1-l1-c1"' in page and "result-right" in page


def test_the_fragment_matches_the_check_on_the_lesson_page(
    client: FlaskClient, learner: User
) -> None:
    fragment = client.post(CHECK_URL, data={"q-m1-l1-c1": "1"}, headers=FRAGMENT)
    page = client.get(LESSON).get_data(as_text=True)
    start = page.index('<section class="check"')
    in_page = page[start : page.index("</section>", start) + len("</section>")]

    def without_tokens(html: str) -> str:
        return re.sub(r'name="csrf_token" value="[^"]*"', "", html).strip()

    assert without_tokens(fragment.get_data(as_text=True)) == without_tokens(in_page)


def test_without_the_header_the_check_redirects_as_before(
    client: FlaskClient, learner: User
) -> None:
    response = client.post(CHECK_URL, data={"q-m1-l1-c1": "0"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#check-m1-l1-c1")


def test_unknown_checks_and_signed_out_scripts_get_no_fragment(
    client: FlaskClient, learner: User
) -> None:
    assert client.post(f"{LESSON}/check/nope", headers=FRAGMENT).status_code == 404
    client.post("/logout")
    response = client.post(CHECK_URL, data={"q-m1-l1-c1": "0"}, headers=FRAGMENT)
    assert response.status_code == 302 and "login" in response.headers["Location"]


def test_lessons_without_checks_load_only_the_offline_scripts(
    client: FlaskClient, make_user: Any, login: Any, publish_course: Any
) -> None:
    plain = "---\ntitle: T\n---\n\nText.\n"
    publish_course(small_course(**{"01-key-concepts.es.md": plain, "01-key-concepts.en.md": plain}))
    login(client, make_user(email="bea@example.org"))
    page = client.get(LESSON).get_data(as_text=True)
    scripts = re.findall(r'<script src="/static/([a-z-]+)\.[0-9a-f]{12}\.js" defer', page)
    # Every learner page registers the offline worker and shows the outbox; nothing more here.
    assert "Text." in page and scripts == ["outbox", "offline"]
    assert page.count("<script") == 2


def test_the_lesson_page_loads_the_check_script(client: FlaskClient, learner: User) -> None:
    page = client.get(LESSON).get_data(as_text=True)
    script = r'<script src="/static/knowledge-check\.[0-9a-f]{12}\.js" defer></script>'
    assert re.search(script, page)


def test_quiz_and_attempt_pages_name_the_same_saved_answers(
    client: FlaskClient, learner: User, course_version: int
) -> None:
    key = autosave_key(learner.id, "understanding-migration", course_version)
    quiz = client.get(f"{MODULE}/quiz").get_data(as_text=True)
    assert f'data-autosave="{key}"' in quiz and 'data-recorded=""' in quiz
    assert re.search(r'<script src="/static/quiz-autosave\.[0-9a-f]{12}\.js" defer></script>', quiz)
    token = re.search(r'name="submission_token" value="([^"]+)"', quiz)
    assert token
    client.post(
        f"{MODULE}/quiz",
        data={"submission_token": token.group(1), "version_id": str(course_version), "lang": "es"},
    )
    attempt = client.get(f"{MODULE}/quiz/attempts/1").get_data(as_text=True)
    assert f'data-autosave-clear="{key}" data-submission="{token.group(1)}"' in attempt
    again = client.get(f"{MODULE}/quiz").get_data(as_text=True)
    assert f'data-recorded="{token.group(1)}"' in again


def test_autosave_keys_differ_per_learner_module_and_version() -> None:
    keys = {
        autosave_key(1, "m", 1),
        autosave_key(2, "m", 1),
        autosave_key(1, "n", 1),
        autosave_key(1, "m", 2),
    }
    assert len(keys) == 4


@pytest.mark.parametrize(
    "name", ["quiz-autosave.js", "knowledge-check.js", "outbox.js", "offline.js"]
)
def test_scripts_are_served_and_small(client: FlaskClient, name: str) -> None:
    response = client.get(f"/static/{name}", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and "javascript" in response.mimetype
    assert response.headers["Content-Encoding"] == "gzip"
    # What crosses a slow connection: a few kilobytes at most (the comments compress well).
    assert len(response.data) < 4_000
    response.close()
