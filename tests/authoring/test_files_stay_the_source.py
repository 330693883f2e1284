"""Files stay the source of truth: editor versions export byte for byte, imports join history."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from lms.content import read_tree
from lms.models import Role, User
from tests.content.helpers import small_course, write_tree

LESSON = "01-understanding-migration/01-key-concepts.en.md"


def test_an_editor_version_exports_byte_for_byte_and_an_import_joins_the_history(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    tmp_path: Path,
) -> None:
    runner = app.test_cli_runner()
    source = write_tree(small_course(), tmp_path / "modules")
    assert runner.invoke(args=["content", "import", str(source)]).exit_code == 0
    login(client, make_user(role=Role.INSTRUCTOR, ui_language="en"))
    text = (source / LESSON).read_text().replace("Text.", "Text with «accents» and ñ.\r\n")
    saved = client.post("/manage/editor/save", json={"path": LESSON, "text": text, "revision": 0})
    assert saved.status_code == 200
    assert client.post("/manage/editor/publish", data={"message": "edit"}).status_code == 302

    exported = runner.invoke(args=["content", "export", str(tmp_path / "v2"), "--version", "2"])
    assert exported.exit_code == 0, exported.output
    files = read_tree(tmp_path / "v2")
    assert files[LESSON] == text.replace("\r\n", "\n").encode()
    assert {p: d for p, d in files.items() if p != LESSON} == {
        p: d for p, d in small_course().items() if p != LESSON
    }

    (source / LESSON).write_text((source / LESSON).read_text().replace("Text.", "From git."))
    assert runner.invoke(args=["content", "import", str(source)]).exit_code == 0
    history = client.get("/manage/editor/history").get_data(as_text=True)
    assert history.count("import from files") == 2 and "edit" in history


def test_a_request_that_is_not_utf8_json_is_refused_with_a_reason(
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    course_version: int,
) -> None:
    login(client, make_user(role=Role.INSTRUCTOR, ui_language="en"))
    body = b'{"path": "' + LESSON.encode() + b'", "text": "\xff\xfe", "revision": 0}'
    for url in ("/manage/editor/save", "/manage/editor/preview"):
        response = client.post(url, data=body, content_type="application/json")
        assert response.status_code == 400
        assert "JSON" in response.get_json()["error"]
