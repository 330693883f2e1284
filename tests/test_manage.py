"""The management start page and the administrators' user list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.db import db_session
from lms.models import Role, User


def _role(app: Flask, user: User) -> Role:
    with app.app_context():
        found = db_session().get(User, user.id)
        assert found is not None
        return found.role


def test_manage_start_page_links_by_role(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    login(client, make_user(role=Role.INSTRUCTOR))
    page = client.get("/manage").get_data(as_text=True)
    assert 'href="/manage/cohorts"' in page
    assert 'href="/manage/users"' not in page


def test_nav_shows_manage_only_to_staff(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    login(client, make_user(role=Role.LEARNER))
    assert 'href="/manage"' not in client.get("/account").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.LEARNER, Role.INSTRUCTOR])
def test_users_page_is_for_admins_only(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    role: Role,
) -> None:
    target = make_user()
    login(client, make_user(role=role))
    assert client.get("/manage/users").status_code == 403
    response = client.post(
        f"/manage/users/{target.id}/role", data={f"user-{target.id}-role": "admin"}
    )
    assert response.status_code == 403
    assert _role(app, target) == Role.LEARNER


def test_users_page_needs_sign_in(client: FlaskClient) -> None:
    assert client.get("/manage/users").headers["Location"] == "/login?next=%2Fmanage%2Fusers"


def test_admin_lists_users_and_changes_a_role(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    admin = make_user(role=Role.ADMIN, name="Admin Person", ui_language="en")
    learner = make_user(name="Lucía Gómez")
    login(client, admin)
    page = client.get("/manage/users").get_data(as_text=True)
    assert "Lucía Gómez" in page
    assert f'for="user-{learner.id}-role"' in page

    response = client.post(
        f"/manage/users/{learner.id}/role", data={f"user-{learner.id}-role": "instructor"}
    )
    assert response.headers["Location"] == "/manage/users"
    assert _role(app, learner) == Role.INSTRUCTOR
    assert "The role of Lucía Gómez is now: Instructor." in client.get("/manage/users").get_data(
        as_text=True
    )


def test_the_last_admin_cannot_be_demoted(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    admin = make_user(role=Role.ADMIN, name="Only Admin", ui_language="en")
    login(client, admin)
    client.post(f"/manage/users/{admin.id}/role", data={f"user-{admin.id}-role": "learner"})
    assert _role(app, admin) == Role.ADMIN
    page = client.get("/manage/users").get_data(as_text=True)
    assert "Only Admin is the only administrator." in page


def test_an_admin_can_step_down_when_another_remains(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    admin = make_user(role=Role.ADMIN)
    make_user(role=Role.ADMIN)
    login(client, admin)
    client.post(f"/manage/users/{admin.id}/role", data={f"user-{admin.id}-role": "instructor"})
    assert _role(app, admin) == Role.INSTRUCTOR
    assert client.get("/manage/users").status_code == 403


def test_invalid_role_or_user(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    admin = make_user(role=Role.ADMIN)
    login(client, admin)
    assert (
        client.post(
            "/manage/users/987654321/role", data={"user-987654321-role": "admin"}
        ).status_code
        == 404
    )
    bad = client.post(f"/manage/users/{admin.id}/role", data={f"user-{admin.id}-role": "king"})
    assert bad.status_code == 400
