"""The plugin form: the LMS mounted at /lms inside a host Flask application."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.auth import services as accounts
from lms.db import db_session, get_engine
from lms.models import Role
from tests.serving.http import fetch
from tests.serving.http import sign_in as sign_in_over_http
from tests.serving.server_process import GUNICORN_COMMAND, free_port, running, server_environment

EXAMPLE = Path(__file__).parents[1] / "examples" / "host_app.py"


def _example() -> ModuleType:
    """Import examples/host_app.py, so the documented example is the one tested."""
    spec = importlib.util.spec_from_file_location("host_app_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def host(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The example host app with the LMS at /lms on the test database."""
    host_app: Flask = _example().create_host_app(
        {
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path / "lms-instance"),
            "WTF_CSRF_ENABLED": False,
            "TESTING": True,
        }
    )
    lms_app: Flask = host_app.extensions["lms"]
    with lms_app.app_context():
        accounts.create_user(
            db_session(),
            email="ana@example.org",
            name="Ana",
            password="0123456789ab",
            role=Role.INSTRUCTOR,
        )
        db_session().commit()
    yield host_app
    get_engine(lms_app).dispose()


@pytest.fixture
def browser(host: Flask) -> FlaskClient:
    return host.test_client()


def sign_in(browser: FlaskClient) -> None:
    """Sign in through the prefixed sign-in form."""
    response = browser.post(
        "/lms/login", data={"email": "ana@example.org", "password": "0123456789ab"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/lms/")


def test_the_host_keeps_its_own_pages(browser: FlaskClient) -> None:
    assert "Ministry training portal" in browser.get("/").get_data(as_text=True)


def test_lms_pages_link_within_the_prefix(browser: FlaskClient) -> None:
    page = browser.get("/lms/login").get_data(as_text=True)
    assert 'action="/lms/login"' in page
    style = re.search(r'href="(/lms/static/lms\.[0-9a-f]{12}\.css)"', page)
    assert style, "the style sheet is linked under the prefix by its hashed name"
    hashed = browser.get(style[1])
    assert hashed.status_code == 200
    assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert browser.get("/lms/static/lms.css").get_data() == hashed.get_data()
    assert browser.get("/lms/account").headers["Location"] == "/lms/login?next=%2Flms%2Faccount"


def test_sign_in_through_the_prefix(browser: FlaskClient) -> None:
    sign_in(browser)
    cookie = browser.get_cookie("lms_session", path="/lms")
    assert cookie is not None and cookie.path == "/lms"
    page = browser.get("/lms/account").get_data(as_text=True)
    assert "ana@example.org" in page
    assert 'action="/lms/logout"' in page
    assert browser.get("/lms/manage/cohorts").status_code == 200


def test_sign_in_returns_to_the_prefixed_page(browser: FlaskClient) -> None:
    login_url = browser.get("/lms/manage/cohorts").headers["Location"]
    response = browser.post(
        login_url,
        data={
            "email": "ana@example.org",
            "password": "0123456789ab",
            "next": "/lms/manage/cohorts",
        },
    )
    assert response.headers["Location"] == "/lms/manage/cohorts"


def test_host_and_lms_sessions_do_not_clash(browser: FlaskClient) -> None:
    browser.get("/")
    sign_in(browser)
    assert "visits to the host site: 2" in browser.get("/").get_data(as_text=True)
    assert browser.get("/lms/account").status_code == 200


def test_language_switch_stays_under_the_prefix(browser: FlaskClient) -> None:
    response = browser.post("/lms/language", data={"language": "pt", "next": "/lms/login"})
    assert response.headers["Location"] == "/lms/login"
    cookie = browser.get_cookie("lang", path="/lms")
    assert cookie is not None and cookie.path == "/lms"
    assert '<html lang="pt">' in browser.get("/lms/login").get_data(as_text=True)


def test_sign_out_through_the_prefix(browser: FlaskClient) -> None:
    sign_in(browser)
    response = browser.post("/lms/logout")
    assert response.headers["Location"] == "/lms/login"
    assert browser.get("/lms/account").status_code == 302


def test_complete_a_lesson_through_the_prefix(host: Flask, browser: FlaskClient) -> None:
    """A learner's lesson, its knowledge check and its completion all work under /lms."""
    from sqlalchemy import select

    from lms.courses.services import publish
    from lms.models import LessonCompletion
    from tests.content.helpers import small_course

    lms_app: Flask = host.extensions["lms"]
    with lms_app.app_context():
        publish(db_session(), small_course())
        db_session().commit()
    sign_in(browser)
    lesson = "/lms/learn/understanding-migration/key-concepts"
    page = browser.get(lesson).get_data(as_text=True)
    assert f'action="{lesson}/complete"' in page
    checked = browser.post(f"{lesson}/check/m1-l1-c1", data={"q-m1-l1-c1": "0"})
    assert checked.headers["Location"].startswith(lesson)
    done = browser.post(f"{lesson}/complete")
    assert done.headers["Location"] == "/lms/learn/understanding-migration/quiz"
    with lms_app.app_context():
        completions = db_session().scalars(select(LessonCompletion)).all()
        assert [c.lesson_slug for c in completions] == ["key-concepts"]


def test_pages_are_compressed_and_revalidated_under_the_prefix(browser: FlaskClient) -> None:
    accept = {"Accept-Encoding": "gzip, deflate, br"}
    browser.get("/lms/login")  # makes the session's form secret
    page = browser.get("/lms/login", headers=accept)
    assert page.headers["Content-Encoding"] == "br"
    revisit = browser.get("/lms/login", headers={**accept, "If-None-Match": page.headers["ETag"]})
    assert revisit.status_code == 304


def test_the_hosts_secret_key_beats_an_instance_key_file(
    tmp_path: Path, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A standalone instance's key file must not silently sign the mounted app's cookies."""
    instance = tmp_path / "lms-instance"
    instance.mkdir()
    (instance / "secret_key").write_text("the standalone instance's key\n")
    host_app: Flask = _example().create_host_app(
        {"DATABASE_URL": database_url, "INSTANCE_PATH": str(instance)}
    )
    lms_app: Flask = host_app.extensions["lms"]
    assert lms_app.config["SECRET_KEY"] == host_app.config["SECRET_KEY"]
    assert "LMS mounted at /lms; its secret key: the host app's SECRET_KEY." in caplog.text
    get_engine(lms_app).dispose()


def test_the_course_folder_does_not_depend_on_the_current_folder(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a host started from its own project folder
    host_app: Flask = _example().create_host_app(
        {"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path / "lms-instance")}
    )
    lms_app: Flask = host_app.extensions["lms"]
    assert lms_app.config["LMS_CONTENT_PATH"] == str(EXAMPLE.parents[1] / "modules")
    get_engine(lms_app).dispose()


def test_the_documented_host_setup_under_gunicorn(tmp_path: Path, blank_database_url: str) -> None:
    """docs/plugin.md's command, as written: the host's page and the LMS under /lms both work."""
    port = free_port()
    environment = server_environment(
        tmp_path / "lms-instance", blank_database_url, HOST_SECRET_KEY="host key for the test"
    )
    command = [
        GUNICORN_COMMAND,
        *("--preload", "--workers", "2", "--threads", "2", "--bind", f"127.0.0.1:{port}"),
        "--no-control-socket",
        *("--chdir", str(EXAMPLE.parent), "host_app:create_production_app()"),
    ]
    with running(command, environment, port) as server:
        server.wait_until_answering("/lms/login")
        status, _headers, body = fetch(server.base_url + "/")
        assert status == 200 and b"Ministry training portal" in body
        printed = re.search(r"LMS admin: (\S+) / (\S+)", server.output)
        assert printed is not None, server.output
        signed_in = sign_in_over_http(f"{server.base_url}/lms", printed[1], printed[2])
        users = signed_in.open(f"{server.base_url}/lms/manage/users", timeout=30)
        assert users.status == 200 and printed[1] in users.read().decode()
        assert "LMS mounted at /lms; its secret key: the host app's SECRET_KEY." in server.output
