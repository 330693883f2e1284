"""A version published in one worker process is what every other worker serves next."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask

from lms.courses.services import current_version, version_files
from lms.db import db_session, get_engine
from lms.models import Role, User
from tests.conftest import make_test_app

LESSON_FILE = "01-understanding-migration/01-key-concepts.es.md"
LESSON_PAGE = "/learn/understanding-migration/key-concepts"


def test_another_app_serves_the_new_version_on_its_next_request(
    app: Flask,
    database_url: str,
    tmp_path: Path,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    course_version: int,
) -> None:
    other = make_test_app(tmp_path / "other", database_url)
    try:
        reader = other.test_client()
        login(reader, make_user())
        assert "Texto." in reader.get(LESSON_PAGE).get_data(as_text=True)  # cached in `other`

        editor = app.test_client()
        login(editor, make_user(role=Role.INSTRUCTOR))
        page = editor.get(f"/manage/editor/files/{LESSON_FILE}").get_data(as_text=True)
        assert "Texto." in page
        saved = editor.post(
            "/manage/editor/save",
            json={
                "path": LESSON_FILE,
                "revision": 0,
                "text": _live_text(app).replace("Texto.", "Texto publicado en otro proceso."),
            },
        )
        assert saved.status_code == 200
        assert editor.post("/manage/editor/publish", data={"message": "m"}).status_code == 302

        assert "otro proceso" in reader.get(LESSON_PAGE).get_data(as_text=True)
    finally:
        get_engine(other).dispose()


def _live_text(app: Flask) -> str:
    with app.app_context():
        live = current_version(db_session())
        assert live is not None
        return version_files(db_session(), live.id)[LESSON_FILE].decode()
