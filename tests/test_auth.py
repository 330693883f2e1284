"""Sign-in, sign-out, sessions that end everywhere, password change and safe redirects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.models import Role, User
from lms.urls import safe_next

WRONG = "The email or password is not correct"


def test_login_page_has_labelled_fields(client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert '<label for="email">' in page
    assert '<label for="password">' in page
    assert 'autocomplete="current-password"' in page


def test_sign_in_and_go_home(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    user = make_user()
    response = login(client, user)
    assert response.headers["Location"] == "/learn/"
    assert client.get("/account").status_code == 200


def test_email_is_case_insensitive(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user(email="ana@example.org", password="0123456789-ab")
    response = client.post(
        "/login", data={"email": " ANA@example.org", "password": "0123456789-ab"}
    )
    assert response.status_code == 302


def test_wrong_password_and_unknown_email_look_the_same(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email="ana@example.org", password="0123456789-ab")
    wrong_password = client.post("/login", data={"email": "ana@example.org", "password": "nope"})
    unknown_email = client.post("/login", data={"email": "bob@example.org", "password": "nope"})
    assert wrong_password.status_code == unknown_email.status_code == 422
    for response in (wrong_password, unknown_email):
        page = response.get_data(as_text=True)
        assert WRONG in page or "El correo o la contraseña no son correctos" in page
    assert _without_tokens(wrong_password) == _without_tokens(unknown_email).replace(
        "bob@example.org", "ana@example.org"
    )


def _without_tokens(response: Any) -> str:
    import re

    return re.sub(r'value="[^"]*\.[^"]*"', "", response.get_data(as_text=True))


def test_empty_form_says_what_is_missing(client: FlaskClient) -> None:
    response = client.post("/login", data={}, headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter your email address." in page
    assert "Enter your password." in page


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/manage/cohorts", "/manage/cohorts"),
        ("/account?tab=1", "/account?tab=1"),
        ("https://evil.example/", "/learn/"),
        ("//evil.example/", "/learn/"),
        ("/\\evil.example/", "/learn/"),
        ("javascript:alert(1)", "/learn/"),
        ("", "/learn/"),
    ],
)
def test_next_is_followed_only_within_the_site(
    client: FlaskClient, make_user: Callable[..., User], target: str, expected: str
) -> None:
    user = make_user(password="0123456789-ab")
    response = client.post(
        "/login", data={"email": user.email, "password": "0123456789-ab", "next": target}
    )
    assert response.headers["Location"] == expected


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/a/b?c=d", True),
        ("/", True),
        (None, False),
        ("", False),
        ("a/b", False),
        ("//host/x", False),
        ("/\\host", False),
        ("http://host/x", False),
        ("/x\r\nLocation: http://host", False),
    ],
)
def test_safe_next(target: str | None, safe: bool) -> None:
    assert (safe_next(target) is not None) is safe


def test_anonymous_visitors_are_sent_to_sign_in_and_back(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Faccount"
    user = make_user(password="0123456789-ab")
    back = client.post(
        "/login", data={"email": user.email, "password": "0123456789-ab", "next": "/account"}
    )
    assert back.headers["Location"] == "/account"


def test_signed_in_visit_to_login_goes_home(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    login(client, make_user())
    assert client.get("/login").headers["Location"] == "/learn/"


def test_logout_needs_post(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    login(client, make_user())
    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200


def test_logout_invalidates_a_copied_session_cookie(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    login(client, make_user())
    cookie = client.get_cookie("lms_session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("lms_session", cookie.value)
    assert thief.get("/account").status_code == 200

    response = client.post("/logout")
    assert response.headers["Location"] == "/login"
    assert client.get("/account").status_code == 302
    assert thief.get("/account").status_code == 302, "a copied cookie must stop working"


def test_remember_cookie_is_hardened_and_dies_at_logout(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    response = login(client, make_user(), remember=True)
    header = next(
        h for h in response.headers.getlist("Set-Cookie") if h.startswith("lms_remember=")
    )
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Max-Age=1209600" in header or "Expires=" in header
    remember = client.get_cookie("lms_remember")
    assert remember is not None

    # A browser that only kept the remember cookie is signed in again from it...
    returning = app.test_client()
    returning.set_cookie("lms_remember", remember.value)
    assert returning.get("/account").status_code == 200
    # ...until the person signs out anywhere.
    client.post("/logout")
    stale = app.test_client()
    stale.set_cookie("lms_remember", remember.value)
    assert stale.get("/account").status_code == 302


def test_session_cookie_flags(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    response = login(client, make_user())
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("lms_session="))
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Secure" not in header


@pytest.mark.app_config(LMS_SECURE_COOKIES=True)
def test_secure_cookies_when_configured(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    response = login(client, make_user(), remember=True)
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(("lms_session=", "lms_remember=")):
            assert "Secure" in header


class TestChangePassword:
    """The password page."""

    def test_needs_sign_in(self, client: FlaskClient) -> None:
        assert client.get("/account/password").headers["Location"].startswith("/login")

    def test_wrong_current_password(
        self, client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
    ) -> None:
        login(client, make_user(ui_language="en"))
        response = client.post(
            "/account/password",
            data={"current_password": "wrong", "new_password": "a" * 12, "confirm": "a" * 12},
        )
        assert response.status_code == 422
        assert "This is not your current password." in response.get_data(as_text=True)

    @pytest.mark.parametrize(
        ("new", "confirm", "message"),
        [
            ("short", "short", "Use at least 12 characters."),
            ("long enough 1", "long enough 2", "The two new passwords are not the same."),
        ],
    )
    def test_new_password_rules(
        self,
        client: FlaskClient,
        make_user: Callable[..., User],
        login: Callable[..., Any],
        new: str,
        confirm: str,
        message: str,
    ) -> None:
        user = make_user(ui_language="en")
        login(client, user)
        response = client.post(
            "/account/password",
            data={
                "current_password": "correct horse battery",
                "new_password": new,
                "confirm": confirm,
            },
        )
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)

    def test_change_keeps_this_session_and_ends_the_others(
        self,
        app: Flask,
        client: FlaskClient,
        make_user: Callable[..., User],
        login: Callable[..., Any],
    ) -> None:
        user = make_user()
        login(client, user)
        other_device = app.test_client()
        login(other_device, user)

        response = client.post(
            "/account/password",
            data={
                "current_password": "correct horse battery",
                "new_password": "a brand new secret",
                "confirm": "a brand new secret",
            },
        )
        assert response.headers["Location"] == "/account"
        assert client.get("/account").status_code == 200
        assert other_device.get("/account").status_code == 302

        fresh = app.test_client()
        assert (
            fresh.post(
                "/login", data={"email": user.email, "password": "correct horse battery"}
            ).status_code
            == 422
        )
        login(fresh, user, password="a brand new secret")


def test_account_page_shows_own_data_only(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    me = make_user(name="Ana Pérez", role=Role.LEARNER)
    make_user(name="Someone Else")
    login(client, me)
    page = client.get("/account").get_data(as_text=True)
    assert "Ana Pérez" in page
    assert me.email in page
    assert "Someone Else" not in page
