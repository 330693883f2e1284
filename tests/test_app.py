"""The app factory: configuration order, no side effects, cookies and the start page."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms import create_app
from lms.config import from_environment


def test_factory_writes_nothing(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    app = create_app({"INSTANCE_PATH": str(instance)})
    assert app.instance_path == str(instance)
    assert app.config["DATABASE_URL"] == f"sqlite:///{instance / 'lms.sqlite3'}"
    assert not instance.exists(), "the factory must not create the instance folder or database"


def test_settings_order_defaults_environment_mapping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:///from-env.sqlite3")
    monkeypatch.setenv("LMS_REDIS_URL", "redis://127.0.0.1:6379/0")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite:///given.sqlite3"})
    assert app.config["DATABASE_URL"] == "sqlite:///given.sqlite3"
    assert app.config["LMS_REDIS_URL"] == "redis://127.0.0.1:6379/0"
    assert app.config["LMS_MIN_PASSWORD_LENGTH"] == 12


def test_instance_path_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "elsewhere"))
    assert create_app().instance_path == str(tmp_path / "elsewhere")


def test_secret_key_read_from_instance_file(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("from-the-file\n")
    assert create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"] == "from-the-file"


def test_secret_key_from_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "secret_key").write_text("from-the-file\n")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"] == "from-env"


def test_missing_secret_key_explains_what_to_do(tmp_path: Path) -> None:
    app = create_app({"INSTANCE_PATH": str(tmp_path), "TESTING": True})
    with pytest.raises(RuntimeError, match="lms init"):
        app.test_client().get("/login")


def test_cookie_defaults_are_hardened(app: Flask) -> None:
    config = app.config
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_DURATION"] == timedelta(days=14)


@pytest.mark.parametrize(("raw", "secure"), [("true", True), ("1", True), ("no", False)])
def test_secure_cookies_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raw: str, secure: bool
) -> None:
    monkeypatch.setenv("LMS_SECURE_COOKIES", raw)
    config = create_app({"INSTANCE_PATH": str(tmp_path)}).config
    assert config["SESSION_COOKIE_SECURE"] is secure
    assert config["REMEMBER_COOKIE_SECURE"] is secure


def test_unreadable_boolean_is_an_error() -> None:
    with pytest.raises(ValueError, match="LMS_SECURE_COOKIES"):
        from_environment({"LMS_SECURE_COOKIES": "maybe"})


def test_start_page_redirects_to_course_home(app: Flask) -> None:
    response = app.test_client().get("/")
    assert response.status_code == 302
    with app.test_request_context():
        from flask import url_for

        assert response.headers["Location"] == url_for(app.config["LMS_HOME_ENDPOINT"])


@pytest.mark.app_config(LMS_HOME_ENDPOINT="no_such.endpoint")
def test_start_page_falls_back_to_account(app: Flask) -> None:
    response = app.test_client().get("/")
    assert response.headers["Location"] == "/account"


def test_configuration_doc_lists_every_setting(app: Flask) -> None:
    from lms.config import ENVIRONMENT, defaults

    doc = (Path(__file__).parents[1] / "docs" / "configuration.md").read_text(encoding="utf-8")
    for name in [*defaults("/x"), *ENVIRONMENT, "LMS_INSTANCE_PATH"]:
        assert f"`{name}`" in doc, f"docs/configuration.md does not document {name}"


@pytest.mark.app_config(PROPAGATE_EXCEPTIONS=False)
@pytest.mark.parametrize(
    ("language", "text"),
    [("es", "Algo salió mal"), ("en", "Something went wrong"), ("pt", "Algo deu errado")],
)
def test_unexpected_errors_get_a_localized_page(app: Flask, language: str, text: str) -> None:
    def broken() -> str:
        raise RuntimeError("a bug")

    app.add_url_rule("/broken", "broken", broken)
    response = app.test_client().get("/broken", headers={"Accept-Language": language})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert text in page
    assert "a bug" not in page


def test_responses_carry_safety_headers(client: FlaskClient) -> None:
    headers = client.get("/login").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Referrer-Policy"] == "same-origin"
