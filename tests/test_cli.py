"""The `lms` command: init, serve's first start, and user management."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy import select

from lms import cli, create_app, migrate
from lms.bootstrap import FIRST_ADMIN_EMAIL, bootstrap
from lms.db import db_session, get_engine
from lms.models import AuditEvent, Role, User
from lms.production_server import DEFAULT_THREADS, ServerSettings, default_workers


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty instance folder the command's app uses (always SQLite: these test the CLI)."""
    folder = tmp_path / "instance"
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(folder))
    return folder


def run(*args: str, input: str | None = None) -> Result:
    """Run `lms ARGS` in-process."""
    return CliRunner().invoke(cli.main, list(args), input=input, catch_exceptions=False)


def _users(instance: Path) -> list[User]:
    app = create_app({"INSTANCE_PATH": str(instance)})
    with app.app_context():
        users = list(db_session().scalars(select(User).order_by(User.id)))
    get_engine(app).dispose()
    return users


def test_init_creates_secret_key_and_database(instance: Path) -> None:
    result = run("init")
    assert result.exit_code == 0, result.output
    key = (instance / "secret_key").read_text().strip()
    assert len(key) == 64
    assert (instance / "secret_key").stat().st_mode & 0o077 == 0, "only the owner may read it"
    assert (instance / "lms.sqlite3").exists()
    assert "Created a secret key" in result.output

    again = run("init")
    assert again.exit_code == 0, again.output
    assert "Created a secret key" not in again.output
    assert (instance / "secret_key").read_text().strip() == key, "the key must never change"


def test_init_upgrades_an_older_database(instance: Path) -> None:
    app = create_app({"INSTANCE_PATH": str(instance)})
    instance.mkdir()
    migrate.upgrade(app, "0001")
    get_engine(app).dispose()
    assert run("init").exit_code == 0
    app = create_app({"INSTANCE_PATH": str(instance)})
    assert migrate.current_revision(app) == migrate.head_revision()


def test_init_reports_an_unreachable_database(
    instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{instance}/missing/folder/db.sqlite3")
    result = CliRunner().invoke(cli.main, ["init"])
    assert result.exit_code == 1
    assert "Could not use the database" in result.output
    assert "Check DATABASE_URL" in result.output


def test_user_create_with_prompted_password(instance: Path) -> None:
    run("init")
    result = run(
        "user",
        "create",
        "--email",
        "Teacher@Example.org",
        "--name",
        "Teacher",
        "--role",
        "instructor",
        input="a long password\na long password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created instructor teacher@example.org." in result.output
    [user] = _users(instance)
    assert (user.email, user.role) == ("teacher@example.org", Role.INSTRUCTOR)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "nope", "--password", "a long password"], "is not an email address"),
        (["--email", "a@example.org", "--password", "short"], "use at least 12 characters"),
    ],
)
def test_user_create_errors(instance: Path, args: list[str], message: str) -> None:
    run("init")
    result = CliRunner().invoke(cli.main, ["user", "create", "--name", "A", *args])
    assert result.exit_code == 1
    assert message in result.output


def test_user_create_refuses_a_duplicate(instance: Path) -> None:
    run("init")
    args = [
        "user",
        "create",
        "--email",
        "a@example.org",
        "--name",
        "A",
        "--password",
        "a long password",
    ]
    assert run(*args).exit_code == 0
    result = CliRunner().invoke(cli.main, args)
    assert result.exit_code == 1
    assert "There is already an account for a@example.org" in result.output


def test_user_create_before_init_says_to_run_init(instance: Path) -> None:
    result = CliRunner().invoke(
        cli.main,
        ["user", "create", "--email", "a@example.org", "--name", "A", "--password", "x" * 12],
    )
    assert result.exit_code == 1
    assert "Run `lms init` first." in result.output


def test_set_password(instance: Path) -> None:
    run("init")
    run("user", "create", "--email", "a@example.org", "--name", "A", "--password", "first password")
    result = run(
        "user",
        "set-password",
        "--email",
        "A@example.org",
        input="second password\nsecond password\n",
    )
    assert result.exit_code == 0, result.output
    [user] = _users(instance)
    assert user.session_version == 2, "old sessions end"
    unknown = CliRunner().invoke(cli.main, ["user", "set-password", "--email", "b@example.org"])
    assert unknown.exit_code == 1
    assert "There is no account for b@example.org" in unknown.output


@pytest.fixture
def no_course_import(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip publishing modules/ on first start: these tests are about accounts and output."""
    monkeypatch.setattr("lms.bootstrap.load_initial_content", lambda app: None)


def test_bootstrap_creates_the_first_admin_once(instance: Path, no_course_import: None) -> None:
    instance.mkdir()
    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False})
    first = bootstrap(app)
    assert first.admin_email == FIRST_ADMIN_EMAIL
    assert first.admin_password and len(first.admin_password) >= 12
    [admin] = _users(instance)
    assert (admin.email, admin.role) == (FIRST_ADMIN_EMAIL, Role.ADMIN)

    client = app.test_client()
    response = client.post(
        "/login", data={"email": FIRST_ADMIN_EMAIL, "password": first.admin_password}
    )
    assert response.status_code == 302
    # Signed in once: the password works, and later starts leave it alone.
    assert bootstrap(app).admin_password is None
    assert len(_users(instance)) == 1


def _age_first_admin_events(app: Flask, minutes: int) -> None:
    """Move the first admin's audit events back in time, as if that start was long ago."""
    with app.app_context():
        session = db_session()
        for event in session.scalars(select(AuditEvent)):
            event.at = event.at - timedelta(minutes=minutes)
        session.commit()


def test_a_start_before_the_first_sign_in_shows_a_new_admin_password(
    instance: Path, no_course_import: None
) -> None:
    """A start that failed after the account was made (a taken port) must not lose its password."""
    instance.mkdir()
    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False})
    lost = bootstrap(app).admin_password
    _age_first_admin_events(app, minutes=3)
    shown = bootstrap(app).admin_password
    assert lost and shown and shown != lost
    client = app.test_client()
    for password, expected in ((lost, 422), (shown, 302)):
        response = client.post("/login", data={"email": FIRST_ADMIN_EMAIL, "password": password})
        assert response.status_code == expected


def test_servers_starting_together_keep_the_password_the_first_one_showed(
    instance: Path, monkeypatch: pytest.MonkeyPatch, no_course_import: None
) -> None:
    monkeypatch.setattr(cli, "serve", lambda app, settings: None)
    monkeypatch.setattr(cli.gc, "freeze", lambda: None)
    first = run("serve")
    printed = re.search(r"with the password: (\S+)", first.output)
    assert printed is not None, first.output
    second = run("serve")  # another machine, a moment later
    assert "password:" not in second.output
    assert "was shown by another server that started less than two minutes ago" in second.output
    app = create_app({"INSTANCE_PATH": str(instance), "WTF_CSRF_ENABLED": False})
    response = app.test_client().post(
        "/login", data={"email": FIRST_ADMIN_EMAIL, "password": printed[1]}
    )
    assert response.status_code == 302


def test_a_password_set_from_the_command_line_is_never_replaced(
    instance: Path, no_course_import: None
) -> None:
    instance.mkdir()
    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False})
    bootstrap(app)
    result = run(
        "user", "set-password", "--email", FIRST_ADMIN_EMAIL, "--password", "my own long pass"
    )
    assert result.exit_code == 0, result.output
    assert bootstrap(app).admin_password is None
    response = app.test_client().post(
        "/login", data={"email": FIRST_ADMIN_EMAIL, "password": "my own long pass"}
    )
    assert response.status_code == 302


def test_serve_prepares_everything_and_says_how_to_sign_in(
    instance: Path, monkeypatch: pytest.MonkeyPatch, no_course_import: None
) -> None:
    served: list[tuple[Flask, ServerSettings]] = []
    monkeypatch.setattr(cli, "serve", lambda app, settings: served.append((app, settings)))
    monkeypatch.setattr(cli.gc, "freeze", lambda: None)
    result = run("serve", "--port", "5055", "--workers", "3")
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:5055/" in result.output
    assert f"Sign in as {FIRST_ADMIN_EMAIL} with the password: " in result.output
    ((app, settings),) = served
    assert isinstance(app, Flask)
    assert settings == ServerSettings("127.0.0.1", 5055, workers=3, threads=DEFAULT_THREADS)
    assert (instance / "secret_key").exists()
    assert (instance / "static-build").is_dir()

    served.clear()
    run("serve")
    ((_app, settings),) = served
    assert settings.workers == default_workers() and settings.port == 5000


def test_serve_dev_uses_the_reloading_development_server(
    instance: Path, monkeypatch: pytest.MonkeyPatch, no_course_import: None
) -> None:
    served: list[dict[str, Any]] = []
    monkeypatch.setattr(cli, "run_simple", lambda *args, **kwargs: served.append(kwargs))
    result = run("serve", "--dev")
    assert result.exit_code == 0, result.output
    assert [options["use_reloader"] for options in served] == [True]


def test_db_commands(instance: Path) -> None:
    result = run("db", "upgrade")
    assert result.exit_code == 0
    current = run("db", "current")
    assert f"database: {migrate.head_revision()}" in current.output


def test_flask_app_lms_offers_the_same_commands(instance: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "lms", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={"LMS_INSTANCE_PATH": str(instance), "PATH": "/usr/bin:/bin"},
    )
    for command in ("init", "serve", "user", "db"):
        assert f"  {command} " in result.stdout
