"""What one app keeps in memory is its own: another app in the same process never sees it.

Version ids are those of an app's database, so two apps (a host mounting the platform next to
another, or the tests) can both have a version 1 holding different courses.
"""

from __future__ import annotations

from pathlib import Path

from lms.courses.exports import ExportRequest, build_export
from lms.courses.services import publish
from lms.db import Base, db_session, get_engine, make_engine
from tests.conftest import make_test_app
from tests.content.helpers import QUIZ, quiz, small_course

MODULE = "understanding-migration"


def test_two_apps_in_one_process_export_their_own_version_one(tmp_path: Path) -> None:
    for name, question in (("first", "Pick the year."), ("second", "Name the year.")):
        url = f"sqlite:///{tmp_path / name}.sqlite3"
        engine = make_engine(url)
        Base.metadata.create_all(engine)
        engine.dispose()
        app = make_test_app(tmp_path / name, url)
        files = small_course(quiz__en__md=quiz(QUIZ.replace("Pick the year.", question)))
        with app.app_context():
            version_id = publish(db_session(), files).version.id
            db_session().commit()
            built = build_export(
                db_session(), ExportRequest(version_id, "moodle-xml", "en", MODULE)
            )
        get_engine(app).dispose()
        assert version_id == 1
        assert question in built.data.decode(), f"{name} got another app's file"
