"""The editor over HTTP: who may use it, saving, previews, conflicts, publishing and history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.db import db_session
from lms.models import AuditEvent, CourseVersion, Role, User

FOLDER = "01-understanding-migration"
LESSON = f"{FOLDER}/01-key-concepts.en.md"
QUIZ = f"{FOLDER}/quiz.en.md"

# Every editor route with a method and a body, for the access checks.
ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/manage/editor/", None),
    ("GET", f"/manage/editor/files/{LESSON}", None),
    ("POST", f"/manage/editor/files/{LESSON}", {"text": "x", "revision": "0"}),
    ("POST", "/manage/editor/preview", {"json": {"path": LESSON, "text": "x"}}),
    ("POST", "/manage/editor/save", {"json": {"path": LESSON, "text": "x", "revision": 0}}),
    ("GET", "/manage/editor/changes", None),
    ("POST", "/manage/editor/publish", {"message": "m"}),
    ("GET", "/manage/editor/history", None),
    ("GET", "/manage/editor/activity", None),
    ("GET", "/manage/editor/history/1", None),
    ("GET", f"/manage/editor/history/1/files/{LESSON}", None),
    ("GET", "/manage/editor/history/compare?from=1&to=1", None),
    ("POST", "/manage/editor/history/1/rollback", {"message": "m"}),
    ("GET", "/manage/editor/modules/new", None),
    ("POST", "/manage/editor/modules/new", {"slug": "x", "title_es": "x", "title_en": "x"}),
    ("GET", f"/manage/editor/modules/{FOLDER}/lessons/new", None),
    ("POST", f"/manage/editor/modules/{FOLDER}/lessons/new", {"slug": "y"}),
    ("GET", f"/manage/editor/modules/{FOLDER}/lessons/key-concepts/title", None),
    ("POST", f"/manage/editor/modules/{FOLDER}/lessons/key-concepts/title", {"title_es": "a"}),
    ("POST", f"/manage/editor/modules/{FOLDER}/lessons/key-concepts/move", {"direction": "up"}),
    ("GET", f"/manage/editor/modules/{FOLDER}/lessons/key-concepts/delete", None),
    ("POST", f"/manage/editor/modules/{FOLDER}/lessons/key-concepts/delete", {"confirm": "yes"}),
    ("GET", f"/manage/editor/modules/{FOLDER}/media", None),
    ("POST", f"/manage/editor/modules/{FOLDER}/media", {}),
]


def _send(client: FlaskClient, method: str, url: str, body: dict[str, Any] | None) -> Any:
    if method == "GET":
        return client.get(url)
    if body and "json" in body:
        return client.post(url, json=body["json"])
    return client.post(url, data=body or {})


@pytest.fixture
def instructor(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> User:
    user = make_user(role=Role.INSTRUCTOR, name="Ana", ui_language="en")
    login(client, user)
    return user


@pytest.mark.parametrize(("method", "url", "body"), ROUTES)
def test_learners_are_refused_everywhere(
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    course_version: int,
    method: str,
    url: str,
    body: dict[str, Any] | None,
) -> None:
    login(client, make_user())
    assert _send(client, method, url, body).status_code == 403


@pytest.mark.parametrize(("method", "url", "body"), ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(
    client: FlaskClient,
    course_version: int,
    method: str,
    url: str,
    body: dict[str, Any] | None,
) -> None:
    response = _send(client, method, url, body)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "url",
    [
        "/manage/editor/",
        f"/manage/editor/files/{LESSON}",
        f"/manage/editor/files/{QUIZ}",
        f"/manage/editor/files/{FOLDER}/module.es.md",
        "/manage/editor/changes",
        "/manage/editor/history",
        "/manage/editor/activity",
        "/manage/editor/history/1",
        f"/manage/editor/history/1/files/{LESSON}",
        "/manage/editor/history/compare",
        "/manage/editor/modules/new",
        f"/manage/editor/modules/{FOLDER}/lessons/new",
        f"/manage/editor/modules/{FOLDER}/lessons/key-concepts/title",
        f"/manage/editor/modules/{FOLDER}/lessons/key-concepts/delete",
        f"/manage/editor/modules/{FOLDER}/media",
    ],
)
def test_instructors_open_every_page(
    client: FlaskClient, instructor: User, course_version: int, url: str
) -> None:
    assert client.get(url).status_code == 200


def test_the_tree_lists_files_side_by_side_with_their_status(
    client: FlaskClient, instructor: User, course_version: int
) -> None:
    html = client.get("/manage/editor/").get_data(as_text=True)
    assert f'href="/manage/editor/files/{LESSON}"' in html
    assert f'href="/manage/editor/files/{FOLDER}/01-key-concepts.es.md"' in html
    assert "No problems." in html


def test_the_quiz_preview_shows_the_key_to_the_instructor(
    client: FlaskClient, instructor: User, course_version: int
) -> None:
    html = client.get(f"/manage/editor/files/{QUIZ}").get_data(as_text=True)
    assert 'class="answer-key"' in html
    assert "Accepted answers" in html or "Correct answer" in html


def test_a_preview_returns_the_html_and_problems_at_their_lines(
    client: FlaskClient, instructor: User, course_version: int
) -> None:
    text = "---\ntitle: Concepts\n---\n\nHello *world*.\n\n::: quiz {#m1-l1-c1}\nBroken\n:::\n"
    response = client.post("/manage/editor/preview", json={"path": LESSON, "text": text})
    assert response.status_code == 200
    body = response.get_json()
    assert "<em>world</em>" in body["html"]
    here = [p for p in body["problems"] if p["here"]]
    assert here and all(p["path"] == LESSON for p in here)
    assert any(p["line"] >= 7 for p in here)


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"path": f"{FOLDER}/99-nothing.en.md", "text": "x"}, 404),
        ({"path": "../../etc/passwd", "text": "x"}, 404),
        ({"path": f"{FOLDER}/../secrets.en.md", "text": "x"}, 404),
        ({"path": LESSON}, 400),
        ({"text": "x"}, 400),
    ],
)
def test_a_preview_of_something_that_is_not_a_draft_file_says_so(
    client: FlaskClient, instructor: User, course_version: int, payload: Any, status: int
) -> None:
    response = client.post("/manage/editor/preview", json=payload)
    assert response.status_code == status
    assert response.get_json()["error"]


def test_saving_with_json_returns_the_new_revision_and_a_stale_save_conflicts(
    client: FlaskClient, instructor: User, course_version: int
) -> None:
    first = client.post("/manage/editor/save", json={"path": LESSON, "text": "A\n", "revision": 0})
    assert first.status_code == 200
    revision = first.get_json()["revision"]
    stale = client.post("/manage/editor/save", json={"path": LESSON, "text": "B\n", "revision": 0})
    assert stale.status_code == 409
    body = stale.get_json()
    assert (body["their_text"], body["their_revision"], body["their_author"]) == (
        "A\n",
        revision,
        "Ana",
    )
    assert "<table" in body["diff_html"]
    kept = client.post(
        "/manage/editor/save", json={"path": LESSON, "text": "B\n", "revision": revision}
    )
    assert kept.status_code == 200


def test_the_plain_form_saves_and_shows_a_conflict_page_keeping_the_text(
    client: FlaskClient, instructor: User, course_version: int
) -> None:
    saved = client.post(f"/manage/editor/files/{LESSON}", data={"text": "A\r\n", "revision": "0"})
    assert saved.status_code == 302
    conflict = client.post(
        f"/manage/editor/files/{LESSON}", data={"text": "My long text", "revision": "0"}
    )
    assert conflict.status_code == 409
    html = conflict.get_data(as_text=True)
    assert "My long text" in html and "Keep my version" in html


@pytest.mark.app_config(LMS_EDITOR_MAX_FILE_BYTES=50)
def test_an_oversized_file_is_refused_and_the_text_is_shown_again(
    client: FlaskClient, instructor: User, course_version: int
) -> None:
    text = "word " * 40
    response = client.post(f"/manage/editor/files/{LESSON}", data={"text": text, "revision": "0"})
    assert response.status_code == 413
    assert text.strip() in response.get_data(as_text=True)
    api = client.post("/manage/editor/save", json={"path": LESSON, "text": text, "revision": 0})
    assert api.status_code == 413


def _publish(client: FlaskClient, message: str = "Update") -> Any:
    return client.post("/manage/editor/publish", data={"message": message})


def test_publishing_a_broken_draft_lists_every_problem_linked_to_its_line(
    app: Flask, client: FlaskClient, instructor: User, course_version: int
) -> None:
    client.post("/manage/editor/save", json={"path": LESSON, "text": "no header\n", "revision": 0})
    response = _publish(client)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'href="/manage/editor/files/{LESSON}#line-1"' in html
    with app.app_context():
        assert db_session().scalar(select(func.count()).select_from(CourseVersion)) == 1


def test_publishing_needs_a_message_and_then_makes_a_version(
    app: Flask, client: FlaskClient, instructor: User, course_version: int
) -> None:
    page = client.get(f"/manage/editor/files/{LESSON}").get_data(as_text=True)
    assert "Concepts" in page
    text = client.get(f"/manage/editor/history/1/files/{LESSON}").get_data(as_text=True)
    assert "Text." in text
    client.post(
        "/manage/editor/files/" + LESSON,
        data={
            "text": "---\ntitle: Concepts\n---\n\nNew text.\n"
            "\n::: quiz {#m1-l1-c1}\nIs it right?\n\n- (x) Yes\n  > Indeed.\n- ( ) No\n"
            "  > It is.\n:::\n\n## References\n\n- IOM\n",
            "revision": "0",
        },
    )
    assert _publish(client, "").status_code == 422
    assert _publish(client, "Shorter text").status_code == 302
    history = client.get("/manage/editor/history").get_data(as_text=True)
    assert "Shorter text" in history and "Ana" in history
    with app.app_context():
        actions = db_session().scalars(select(AuditEvent.action)).all()
    assert {"draft.save", "course.editor"} <= set(actions)
    activity = client.get("/manage/editor/activity").get_data(as_text=True)
    assert "course.editor" in activity and "Shorter text" in activity and "Ana" in activity


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_a_publish_with_an_expired_token_keeps_the_message_and_the_draft(
    client: FlaskClient, instructor: User, course_version: int
) -> None:
    response = client.post(
        "/manage/editor/publish", data={"message": "Keep me", "csrf_token": "expired"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="Keep me"' in html and "Your draft is safe" in html


def test_rollback_over_http_makes_a_new_version(
    client: FlaskClient, instructor: User, course_version: int
) -> None:
    original = client.get(f"/manage/editor/history/1/files/{LESSON}").get_data(as_text=True)
    assert client.post("/manage/editor/history/1/rollback").status_code == 302  # already live
    assert "Version 1 is what learners see already" in client.get(
        "/manage/editor/history"
    ).get_data(as_text=True)
    assert "Text." in original
