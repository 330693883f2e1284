"""Administrators send the forgotten-password link from the users page: once, audited, localized."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.models import Role, User
from tests.accounts.helpers import audit_actions, deliver, link_in, page, queued
from tests.mail.smtp_server import SmtpServer


def _send(client: FlaskClient, user: User) -> Any:
    return client.post(f"/manage/users/{user.id}/password-reset")


def test_an_admin_sends_the_link_in_the_persons_language_and_a_double_click_sends_one(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    smtp_server: SmtpServer,
) -> None:
    admin = make_user(role=Role.ADMIN, ui_language="en")
    ana = make_user(email="ana@example.org", ui_language="pt")
    login(client, admin)
    assert f'action="/manage/users/{ana.id}/password-reset"' in page(client, "/manage/users")

    assert _send(client, ana).headers["Location"] == "/manage/users"
    assert "A link to choose a new password has been queued for ana@example.org." in page(
        client, "/manage/users"
    )
    _send(client, ana)
    assert "was already queued for ana@example.org in the last ten minutes" in page(
        client, "/manage/users"
    )
    assert [mail.recipient for mail in queued(app, "password_reset")] == ["ana@example.org"]
    sent = [event for event in audit_actions(app) if event[0] == "account.reset_link"]
    assert sent == [("account.reset_link", admin.id, f"user {ana.id}")]

    deliver(app, smtp_server)
    (mail,) = smtp_server.messages
    assert mail["Subject"] == "Escolha uma nova senha"
    link = link_in(mail, "/password/reset/")
    person = app.test_client()
    changed = person.post(
        link, data={"new_password": "nova-senha-123", "confirm": "nova-senha-123"}
    )
    assert changed.status_code == 302
    assert person.get(link).status_code == 410


def test_two_clicks_at_the_same_moment_queue_one_mail(
    app: Flask, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    admin = make_user(role=Role.ADMIN)
    ana = make_user()
    clients = [app.test_client(), app.test_client()]
    for each in clients:
        login(each, admin)
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def click(each: FlaskClient) -> None:
        start.wait()
        statuses.append(_send(each, ana).status_code)

    threads = [threading.Thread(target=click, args=(each,)) for each in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302, 302]
    assert len(queued(app, "password_reset")) == 1


@pytest.mark.parametrize("role", [Role.LEARNER, Role.INSTRUCTOR])
def test_only_administrators_send_links(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    role: Role,
) -> None:
    ana = make_user()
    login(client, make_user(role=role))
    assert _send(client, ana).status_code == 403
    assert queued(app) == []


def test_no_such_account(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    login(client, make_user(role=Role.ADMIN))
    assert client.post("/manage/users/987654321/password-reset").status_code == 404
