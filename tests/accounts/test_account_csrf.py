"""Every account form refuses a post without its CSRF token and works with the one on its page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.models import Role, User
from tests.accounts.helpers import deliver, link_in, mails_to, page, queued, stored_user, token_of
from tests.conftest import DEFAULT_PASSWORD
from tests.mail.smtp_server import SmtpServer

pytestmark = pytest.mark.app_config(WTF_CSRF_ENABLED=True)


def _every_form_carries_a_token(html: str) -> None:
    assert html.count("<form") == len(re.findall(r'name="[\w-]*csrf_token"', html))


def test_the_account_page_forms_need_their_token(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    smtp_server: SmtpServer,
) -> None:
    ana = make_user(email="ana@example.org", name="Ana", ui_language="en")
    login(client, ana)
    for url, data in [
        ("/account/name", {"name-name": "Changed"}),
        ("/account/email", {"email-email": "new@example.org"}),
        ("/account/email/cancel", {}),
        ("/account/deletion", {"deletion-password": DEFAULT_PASSWORD}),
        ("/account/deletion/withdraw", {}),
    ]:
        assert client.post(url, data=data).status_code == 400, url
    stored = stored_user(app, ana.id)
    assert stored is not None and stored.name == "Ana"
    assert queued(app) == []

    account = page(client, "/account")
    _every_form_carries_a_token(account)
    named = client.post("/account/name", data={"name-name": "Ana M", **token_of(account, "name")})
    assert named.status_code == 302
    asked = client.post(
        "/account/email", data={"email-email": "new@example.org", **token_of(account, "email")}
    )
    assert asked.status_code == 302
    deletion = {"deletion-password": DEFAULT_PASSWORD, **token_of(account, "deletion")}
    assert client.post("/account/deletion", data=deletion).status_code == 302

    account = page(client, "/account")  # now with the cancel and withdraw forms
    _every_form_carries_a_token(account)
    for prefix, url in [
        ("cancel-email", "/account/email/cancel"),
        ("withdraw", "/account/deletion/withdraw"),
    ]:
        assert client.post(url, data=token_of(account, prefix)).status_code == 302
    assert "Waiting for confirmation" not in page(client, "/account")
    assert "Withdraw my request" not in page(client, "/account")


def test_the_confirmation_page_needs_its_token(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    smtp_server: SmtpServer,
) -> None:
    ana = make_user(email="ana@example.org", ui_language="en")
    login(client, ana)
    account = page(client, "/account")
    client.post(
        "/account/email", data={"email-email": "new@example.org", **token_of(account, "email")}
    )
    deliver(app, smtp_server)
    link = link_in(mails_to(smtp_server, "new@example.org")[0], "/account/email/confirm/")
    assert client.post(link).status_code == 400
    stored = stored_user(app, ana.id)
    assert stored is not None and stored.email == "ana@example.org"
    confirmation = page(client, link)
    _every_form_carries_a_token(confirmation)
    assert client.post(link, data=token_of(confirmation, "confirm")).status_code == 302
    stored = stored_user(app, ana.id)
    assert stored is not None and stored.email == "new@example.org"


def test_the_users_page_forms_need_their_token(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    admin = make_user(role=Role.ADMIN, ui_language="en")
    ana = make_user(email="ana@example.org", ui_language="en")
    asking = app.test_client()
    login(asking, ana)
    account = page(asking, "/account")
    deletion = {"deletion-password": DEFAULT_PASSWORD, **token_of(account, "deletion")}
    asking.post("/account/deletion", data=deletion)
    login(client, admin)
    base = f"/manage/users/{ana.id}"
    for url, data in [
        (f"{base}/password-reset", {}),
        (f"{base}/deletion/decline", {f"decline-{ana.id}-reason": "Not now."}),
        (f"{base}/deletion/carry-out", {f"delete-{ana.id}-confirm": "y"}),
    ]:
        assert client.post(url, data=data).status_code == 400, url
    assert queued(app) == []
    assert stored_user(app, ana.id) is not None

    users = page(client, "/manage/users")
    _every_form_carries_a_token(users)
    reset = client.post(f"{base}/password-reset", data=token_of(users, f"reset-{ana.id}"))
    assert reset.status_code == 302
    assert len(queued(app, "password_reset")) == 1
    declined = client.post(
        f"{base}/deletion/decline",
        data={f"decline-{ana.id}-reason": "Not now.", **token_of(users, f"decline-{ana.id}")},
    )
    assert declined.status_code == 302
    assert len(queued(app, "account_declined")) == 1

    account = page(asking, "/account")
    deletion = {"deletion-password": DEFAULT_PASSWORD, **token_of(account, "deletion")}
    asking.post("/account/deletion", data=deletion)
    users = page(client, "/manage/users")
    _every_form_carries_a_token(users)
    deleted = client.post(
        f"{base}/deletion/carry-out",
        data={f"delete-{ana.id}-confirm": "y", **token_of(users, f"delete-{ana.id}")},
    )
    assert deleted.status_code == 302
    assert stored_user(app, ana.id) is None
