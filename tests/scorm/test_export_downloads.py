"""Instructors download SCORM packages and Moodle XML from the live course version."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from flask.testing import FlaskClient


@pytest.fixture
def instructor(client: FlaskClient, make_user: Any, login: Any, course_version: int) -> Any:
    user = make_user(role="instructor")
    login(client, user)
    return user


def test_learners_and_visitors_are_refused(client: FlaskClient, make_user: Any, login: Any,
                                           course_version: int) -> None:
    url = "/manage/exports/scorm12/es/understanding-migration"
    assert client.get(url).status_code == 302
    login(client, make_user(role="learner"))
    assert client.get("/manage/exports/").status_code == 403
    assert client.get(url).status_code == 403


def test_page_lists_every_download(client: FlaskClient, instructor: Any) -> None:
    page = client.get("/manage/exports/").get_data(as_text=True)
    for kind in ("scorm12", "scorm2004", "moodle-xml"):
        assert f"/manage/exports/{kind}/en/understanding-migration" in page
    assert "/manage/exports/scorm2004/es/course" in page


@pytest.mark.parametrize(("kind", "module", "name"), [
    ("scorm12", "understanding-migration", "01-understanding-migration-scorm12-es.zip"),
    ("scorm2004", "course", "pre-course-scorm2004-es.zip"),
])
def test_scorm_download_is_a_package(client: FlaskClient, instructor: Any, kind: str,
                                     module: str, name: str) -> None:
    response = client.get(f"/manage/exports/{kind}/es/{module}")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert name in response.headers["Content-Disposition"]
    assert zipfile.ZipFile(io.BytesIO(response.data)).namelist()[0] == "imsmanifest.xml"


def test_moodle_xml_download(client: FlaskClient, instructor: Any) -> None:
    response = client.get("/manage/exports/moodle-xml/en/understanding-migration")
    assert response.status_code == 200 and b"<quiz" in response.data


@pytest.mark.parametrize("url", ["/manage/exports/scorm12/es/nope", "/manage/exports/zip/es/course",
                                 "/manage/exports/scorm12/fr/course",
                                 "/manage/exports/moodle-xml/es/course"])
def test_unknown_downloads_are_404(client: FlaskClient, instructor: Any, url: str) -> None:
    assert client.get(url).status_code == 404
