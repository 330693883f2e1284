"""A forgotten password: a link by email through the outbox, usable once, then a new password."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms.db import db_session
from lms.mail.worker import MailWorker
from lms.models import OutboxMessage, User
from tests.mail.smtp_server import SmtpServer


def _link_from(server: SmtpServer) -> str:
    (mail,) = server.messages
    found = re.search(r"http://localhost(/password/reset/\S+)", mail.get_content())
    assert found, mail.get_content()
    return found.group(1)


def test_a_reset_link_arrives_in_the_users_language_and_works_once(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    smtp_server: SmtpServer,
) -> None:
    user = make_user(email="ana@example.org", name="Ana", ui_language="pt")
    other_device = app.test_client()
    login(other_device, user)
    sent = client.post("/password/forgot", data={"email": "ANA@example.org"})
    assert sent.status_code == 200
    MailWorker(app, smtp_server.settings()).run_once()
    assert smtp_server.messages[0]["Subject"] == "Escolha uma nova senha"
    link = _link_from(smtp_server)
    assert client.get(link).status_code == 200
    changed = client.post(
        link, data={"new_password": "una-clave-nueva", "confirm": "una-clave-nueva"}
    )
    assert changed.status_code == 302
    assert client.get(link).status_code == 410  # used
    assert other_device.get("/account").status_code == 302  # signed out elsewhere
    fresh = app.test_client()
    assert (
        fresh.post(
            "/login", data={"email": "ana@example.org", "password": "una-clave-nueva"}
        ).status_code
        == 302
    )


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
) -> None:
    make_user(email="ana@example.org")
    known = client.post("/password/forgot", data={"email": "ana@example.org"})
    unknown = client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert "nobody@example.org" in unknown.get_data(as_text=True)
    client.post("/password/forgot", data={"email": "ana@example.org"})  # again at once
    with app.app_context():
        recipients = db_session().scalars(select(OutboxMessage.recipient)).all()
    assert recipients == ["ana@example.org"]  # one mail, none for the unknown address


def test_a_forged_or_tampered_link_is_refused(client: FlaskClient) -> None:
    assert client.get("/password/reset/not-a-token").status_code == 410
    assert client.get("/password/reset/eyJ1IjoxLCJ2IjoxfQ.AAAA.BBBB").status_code == 410
