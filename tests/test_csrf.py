"""Every form is protected by a CSRF token; a missing or expired one gets a helpful page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from lms.models import Role, User
from tests.conftest import csrf_token_from

pytestmark = pytest.mark.app_config(WTF_CSRF_ENABLED=True)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The form has expired"),
        ("es", "El formulario ha caducado"),
        ("pt", "O formulário expirou"),
    ],
)
def test_post_without_token_is_refused_with_a_localized_page(
    client: FlaskClient, make_user: Callable[..., User], language: str, text: str
) -> None:
    user = make_user(password="0123456789-ab")
    response = client.post(
        "/login",
        data={"email": user.email, "password": "0123456789-ab"},
        headers={"Accept-Language": language},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert text in page
    assert f'<html lang="{language}">' in page
    assert client.get("/account").status_code == 302, "the refused sign-in must not sign in"


def test_post_with_token_works(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    login(client, make_user())
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/logout", "/language", "/account", "/account/password", "/manage/cohorts/new"],
)
def test_every_form_needs_the_token(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any], url: str
) -> None:
    login(client, make_user(role=Role.ADMIN))
    assert client.post(url, data={"language": "en"}).status_code == 400
    assert client.get("/account").status_code == 200, "still signed in"


def test_pages_carry_the_token_in_every_form(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    login(client, make_user(role=Role.ADMIN))
    for url in ["/account", "/account/password", "/manage/cohorts/new", "/manage/users"]:
        page = client.get(url).get_data(as_text=True)
        assert page.count("<form") == len(re.findall(r'name="[\w-]*csrf_token"', page)), url
        assert csrf_token_from(page)


def test_role_forms_with_a_prefix_pass_the_check(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    admin = make_user(role=Role.ADMIN)
    learner = make_user()
    login(client, admin)
    page = client.get("/manage/users").get_data(as_text=True)
    match = re.search(
        rf'name="user-{learner.id}-csrf_token"[^>]*value="([^"]+)"', page
    ) or re.search(rf'value="([^"]+)"[^>]*name="user-{learner.id}-csrf_token"', page)
    assert match, "the role form carries its own token"
    response = client.post(
        f"/manage/users/{learner.id}/role",
        data={
            f"user-{learner.id}-csrf_token": match.group(1),
            f"user-{learner.id}-role": "instructor",
        },
    )
    assert response.status_code == 302
