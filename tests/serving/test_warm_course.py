"""The live course is parsed before the workers fork, so no request has to parse it."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from lms.courses import cache
from lms.courses.cache import warm_live_course
from lms.courses.services import publish
from lms.db import Base, db_session, get_engine, make_engine
from tests.conftest import make_test_app
from tests.content.helpers import small_course


def _database(tmp_path: Path) -> str:
    """A new SQLite database with the schema."""
    url = f"sqlite:///{tmp_path / 'warm.sqlite3'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


def _app_with_a_published_course(tmp_path: Path) -> Flask:
    """A new app (with an empty course cache) on a database whose course is published."""
    url = _database(tmp_path)
    app = make_test_app(tmp_path, url)
    with app.app_context():
        publish(db_session(), small_course())
        db_session().commit()
    get_engine(app).dispose()
    return make_test_app(tmp_path, url)


def test_a_warmed_app_answers_without_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app_with_a_published_course(tmp_path)
    warm_live_course(app)

    def no_parsing(files: object) -> None:
        raise AssertionError("a request parsed the course")

    monkeypatch.setattr(cache, "load_course", no_parsing)
    with app.app_context():
        live = app.extensions["lms.course_cache"].get(db_session(), 1)
    assert [module.slug for module in live.modules] == ["understanding-migration"]
    get_engine(app).dispose()


def test_warming_an_app_without_a_course_does_nothing(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, _database(tmp_path))
    warm_live_course(app)  # no version published: nothing to parse, no error
    get_engine(app).dispose()
