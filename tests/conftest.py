"""Shared fixtures: a fresh app and empty database per test, users, sign-in and SQL counting.

The database is SQLite (a new file per test) unless LMS_TEST_DATABASE_URL names another one,
e.g. postgresql+psycopg://postgres@127.0.0.1:5432/lms_dev_test. PostgreSQL gets its schema
once per run and every table is emptied before each test. Use a database of your own: the run
drops and recreates its `public` schema.

Do not keep `app.app_context()` open around client requests: Flask then reuses that context
(and its database session) for the requests instead of giving each one its own.
"""

from __future__ import annotations

import itertools
import os
import re
import secrets
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url

import lms.models  # noqa: F401  (every table on Base.metadata)
from lms import create_app
from lms.auth import services as accounts
from lms.config import ENVIRONMENT
from lms.courses.services import publish
from lms.db import Base, db_session, get_engine, make_engine
from lms.models import Role, User
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, require_browser

# The real SMTP server fixtures (aiosmtpd), for every test package that sends mail.
pytest_plugins = ["tests.mail.smtp_server"]

TEST_DATABASE_URL = os.environ.get("LMS_TEST_DATABASE_URL") or None
DEFAULT_PASSWORD = "correct horse battery"
# Scrypt at its real cost takes a tenth of a second per hash; tests use a cheap setting.
FAST_PASSWORD_METHOD = "scrypt:1024:8:1"


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers these fixtures read."""
    config.addinivalue_line(
        "markers", "app_config(**settings): extra settings for the `app` fixture"
    )


def is_postgres() -> bool:
    """True when the run uses PostgreSQL."""
    return bool(TEST_DATABASE_URL) and TEST_DATABASE_URL.startswith("postgresql")  # type: ignore[union-attr]


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's LMS environment variables and real password cost out of tests."""
    for variable in (*ENVIRONMENT, "LMS_INSTANCE_PATH"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(accounts, "PASSWORD_METHOD", FAST_PASSWORD_METHOD)


@pytest.fixture(scope="session")
def _server_database() -> Iterator[Engine]:
    """Create the schema once in the test server database and return an engine to it."""
    assert TEST_DATABASE_URL is not None
    engine = make_engine(TEST_DATABASE_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
        Base.metadata.create_all(connection)
    yield engine
    engine.dispose()


def _empty_tables(engine: Engine) -> None:
    """Delete every row (child tables first) so each test starts from an empty database."""
    # DELETE beats TRUNCATE for a handful of tiny tables (measured: see docs/development.md).
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file with the schema, made once: copying it beats create_all (50 ms) per test."""
    path = tmp_path_factory.mktemp("template") / "schema.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    engine.dispose()  # closing the last connection folds the WAL file into the database file
    return path


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Return the URL of an empty database with the current schema."""
    if TEST_DATABASE_URL is None:
        template: Path = request.getfixturevalue("_sqlite_template")
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    engine: Engine = request.getfixturevalue("_server_database")
    _empty_tables(engine)
    return TEST_DATABASE_URL


@pytest.fixture
def blank_database_url(tmp_path: Path) -> Iterator[str]:
    """A database without tables, as a server meets it on its first start.

    A new SQLite file, or a new PostgreSQL database beside the test one, dropped afterwards.
    """
    if TEST_DATABASE_URL is None:
        yield f"sqlite:///{tmp_path / 'served.sqlite3'}"
        return
    server = make_url(TEST_DATABASE_URL)
    name = f"{server.database}_blank_{secrets.token_hex(4)}"
    admin = make_engine(server.set(database="postgres").render_as_string(hide_password=False))
    # CREATE/DROP DATABASE cannot run inside a transaction.
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class _MemoryBytecodeCache(BytecodeCache):
    """Compiled templates shared by all test apps: each new app would otherwise recompile them."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_TEMPLATES = _MemoryBytecodeCache()


def make_test_app(tmp_path: Path, database_url: str, **settings: Any) -> Flask:
    """Create an app for tests: CSRF off unless asked, a private instance folder."""
    config: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test secret key",
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "INSTANCE_PATH": str(tmp_path / "instance"),
    }
    config.update(settings)
    application = create_app(config)
    application.jinja_env.bytecode_cache = _TEMPLATES
    return application


@pytest.fixture
def app(request: pytest.FixtureRequest, tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """A fresh app with an empty database; `@pytest.mark.app_config(KEY=value)` adds settings."""
    marker = request.node.get_closest_marker("app_config")
    application = make_test_app(tmp_path, database_url, **(marker.kwargs if marker else {}))
    yield application
    get_engine(application).dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of `app`."""
    return app.test_client()


@pytest.fixture
def passwords() -> dict[int, str]:
    """Plain passwords of the users made by `make_user`, by user id."""
    return {}


@pytest.fixture
def make_user(app: Flask, passwords: dict[int, str]) -> Callable[..., User]:
    """Return a function that creates and commits a user (detached, attributes loaded)."""
    numbers = itertools.count(1)

    def make(
        email: str | None = None,
        role: Role | str = Role.LEARNER,
        password: str = DEFAULT_PASSWORD,
        name: str | None = None,
        ui_language: str = "es",
    ) -> User:
        number = next(numbers)
        with app.app_context():
            user = accounts.create_user(
                db_session(),
                email=email or f"person{number}@example.org",
                name=name or f"Person {number}",
                password=password,
                role=Role(role),
                ui_language=ui_language,
                min_password_length=1,
            )
            db_session().commit()
        passwords[user.id] = password
        return user

    return make


@pytest.fixture
def login(passwords: dict[int, str]) -> Callable[..., Any]:
    """Return `login(client, user, password=None, remember=False)`: signs in through the form."""

    def sign_in(
        client: FlaskClient, user: User, password: str | None = None, remember: bool = False
    ) -> Any:
        data = {
            "email": user.email,
            "password": password or passwords.get(user.id, DEFAULT_PASSWORD),
        }
        if remember:
            data["remember"] = "y"
        if client.application.config["WTF_CSRF_ENABLED"]:
            data["csrf_token"] = csrf_token_from(client.get("/login").get_data(as_text=True))
        response = client.post("/login", data=data)
        assert response.status_code == 302, "sign-in failed: " + response.get_data(as_text=True)
        return response

    return sign_in


def csrf_token_from(html: str) -> str:
    """Return the first CSRF token in a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


@dataclass
class StatementCounter:
    """Collects the SQL statements an engine runs while active."""

    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Number of statements seen."""
        return len(self.statements)


@pytest.fixture
def count_statements(app: Flask) -> Iterator[StatementCounter]:
    """Count the SQL statements `app` runs during the test (see StatementCounter)."""
    counter = StatementCounter()

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        counter.statements.append(statement)

    engine = get_engine(app)
    event.listen(engine, "before_cursor_execute", record)
    yield counter
    event.remove(engine, "before_cursor_execute", record)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, started once for every browser test of the run.

    Playwright's sync API allows one instance at a time per thread: every browser fixture
    opens its contexts on this one instead of starting its own.
    """
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def publish_course(app: Flask) -> Callable[..., int]:
    """Publish a course (default: the small test course); returns the version id."""
    from tests.content.helpers import small_course

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


@pytest.fixture
def editor(
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    course_version: int,
) -> FlaskClient:
    """A client signed in as an instructor reading English, with the small course published."""
    login(client, make_user(role=Role.INSTRUCTOR, ui_language="en"))
    return client
