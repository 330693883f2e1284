"""Fixtures of the authoring tests: a session with the small course published, an instructor."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from lms.db import db_session
from lms.models import Role, User


@pytest.fixture
def session(app: Flask, course_version: int) -> Iterator[Session]:
    """A session in an app context, with the small course published."""
    with app.app_context():
        yield db_session()


@pytest.fixture
def author(make_user: Callable[..., User]) -> User:
    """An instructor named Ana."""
    return make_user(role=Role.INSTRUCTOR, name="Ana")
