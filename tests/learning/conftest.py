"""Fixtures for the learner's path: a published course in the test database."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from lms.courses.services import publish
from lms.db import db_session
from tests.content.helpers import small_course


@pytest.fixture
def publish_course(app: Flask) -> Callable[..., int]:
    """Publish a course (default: the small test course); returns the version id."""

    def _publish(files: dict[str, bytes] | None = None) -> int:
        with app.app_context():
            result = publish(db_session(), files or small_course())
            db_session().commit()
            return result.version.id

    return _publish


@pytest.fixture
def course_version(publish_course: Callable[..., int]) -> int:
    """The small test course, published."""
    return publish_course()
