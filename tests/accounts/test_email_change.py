"""Changing one's name and email address: the address changes only through the link sent to it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms.db import db_session
from lms.models import EmailChange, OutboxMessage, User
from tests.accounts.helpers import (
    audit_actions,
    deliver,
    link_in,
    mails_to,
    page,
    queued,
    stored_user,
)
from tests.conftest import DEFAULT_PASSWORD
from tests.mail.smtp_server import SmtpServer

CONFIRM = "/account/email/confirm/"


def _ask(client: FlaskClient, address: str) -> Any:
    return client.post("/account/email", data={"email-email": address})


def _email_of(app: Flask, user: User) -> str:
    stored = stored_user(app, user.id)
    assert stored is not None
    return stored.email


def _sign_in(app: Flask, email: str, password: str = DEFAULT_PASSWORD) -> int:
    return app.test_client().post("/login", data={"email": email, "password": password}).status_code


def _age_requests(app: Flask, by: timedelta) -> None:
    """Move every pending change and queued mail `by` into the past."""
    with app.app_context():
        session = db_session()
        for change in session.scalars(select(EmailChange)):
            change.requested_at -= by
        for message in session.scalars(select(OutboxMessage)):
            message.created_at -= by
        session.commit()


def test_the_new_address_works_once_its_link_is_opened_and_other_devices_are_signed_out(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    smtp_server: SmtpServer,
) -> None:
    ana = make_user(email="ana@example.org", name="Ana", ui_language="en")
    other_device = app.test_client()
    login(other_device, ana)
    login(client, ana, remember=True)

    response = _ask(client, "Ana.Nueva@Example.org ")
    assert response.headers["Location"] == "/account"
    account = page(client, "/account")
    assert "We sent a link to ana.nueva@example.org." in account
    assert "Waiting for confirmation: ana.nueva@example.org." in account
    deliver(app, smtp_server)
    (confirmation,) = mails_to(smtp_server, "ana.nueva@example.org")
    (notice,) = mails_to(smtp_server, "ana@example.org")
    assert confirmation["Subject"] == "Confirm your new email address"
    assert notice["Subject"] == "A change of your email address was requested"
    assert "ana.nueva@example.org" in notice.get_content()
    assert CONFIRM not in notice.get_content(), "the old address cannot confirm"

    link = link_in(confirmation, CONFIRM)
    assert "Use this address" in page(client, link)
    assert _email_of(app, ana) == "ana@example.org", "opening the link alone changes nothing"
    assert _sign_in(app, "ana@example.org") == 302

    confirmed = client.post(link)
    assert confirmed.headers["Location"] == "/account"
    assert _email_of(app, ana) == "ana.nueva@example.org"
    assert "Your email address is now ana.nueva@example.org." in page(client, "/account")
    assert other_device.get("/account").status_code == 302, "other devices are signed out"
    assert client.get(link).status_code == 410, "the link works once"
    assert client.post(link).status_code == 410
    assert _sign_in(app, "ana.nueva@example.org") == 302
    assert _sign_in(app, "ana@example.org") == 422
    assert ("account.email", ana.id, f"user {ana.id}") in audit_actions(app)


def test_a_link_opened_on_another_device_changes_the_address_and_ends_reset_links_to_the_old_one(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    smtp_server: SmtpServer,
) -> None:
    ana = make_user(email="ana@example.org", ui_language="en")
    login(client, ana)
    _ask(client, "ana@work.example.org")
    app.test_client().post("/password/forgot", data={"email": "ana@example.org"})
    deliver(app, smtp_server)
    confirm = link_in(mails_to(smtp_server, "ana@work.example.org")[0], CONFIRM)
    reset = next(
        link_in(mail, "/password/reset/")
        for mail in mails_to(smtp_server, "ana@example.org")
        if "/password/reset/" in mail.get_content()
    )

    phone = app.test_client()
    done = phone.post(confirm)
    assert done.status_code == 200
    # The other device is signed out, so the page speaks the default language.
    page = done.get_data(as_text=True)
    assert "A partir de ahora, inicie sesión con ana@work.example.org." in page
    assert phone.get("/account").status_code == 302, "the link does not sign anyone in"
    assert client.get("/account").status_code == 302, "every session of the account ends"
    assert phone.get(reset).status_code == 410, "a reset link sent to the old address is dead"


def test_an_expired_link_is_refused(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    smtp_server: SmtpServer,
) -> None:
    ana = make_user(email="ana@example.org", ui_language="en")
    login(client, ana)
    _ask(client, "ana@work.example.org")
    deliver(app, smtp_server)
    link = link_in(mails_to(smtp_server, "ana@work.example.org")[0], CONFIRM)
    _age_requests(app, timedelta(hours=24, minutes=1))
    assert client.get(link).status_code == 410
    assert client.post(link).status_code == 410
    assert _email_of(app, ana) == "ana@example.org"
    assert "Waiting for confirmation" not in page(client, "/account")


def test_asking_again_is_throttled_and_then_replaces_the_earlier_link(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    smtp_server: SmtpServer,
) -> None:
    ana = make_user(email="ana@example.org", ui_language="en")
    login(client, ana)
    _ask(client, "first@example.org")
    refused = _ask(client, "second@example.org")
    assert refused.status_code == 429
    assert "You can ask again in 10 minutes." in refused.get_data(as_text=True)
    assert [mail.recipient for mail in queued(app)] == ["first@example.org", "ana@example.org"]

    _age_requests(app, timedelta(minutes=11))
    assert _ask(client, "second@example.org").status_code == 302
    deliver(app, smtp_server)
    first = link_in(mails_to(smtp_server, "first@example.org")[0], CONFIRM)
    second = link_in(mails_to(smtp_server, "second@example.org")[0], CONFIRM)
    assert client.post(first).status_code == 410, "a newer request replaces the older link"
    assert client.post(second).status_code == 302
    assert _email_of(app, ana) == "second@example.org"


def test_an_address_with_an_account_is_refused_without_telling_the_person_asking(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    smtp_server: SmtpServer,
) -> None:
    ana = make_user(email="ana@example.org", ui_language="en")
    make_user(email="bruno@example.org", name="Bruno", ui_language="en")
    carla = make_user(email="carla@example.org", ui_language="en")
    login(client, ana)
    taken = _ask(client, "BRUNO@example.org")
    carla_client = app.test_client()
    login(carla_client, carla)
    free = _ask(carla_client, "carla@work.example.org")

    assert taken.status_code == free.status_code == 302
    told_ana = page(client, "/account")
    told_carla = page(carla_client, "/account")
    assert "We sent a link to bruno@example.org." in told_ana
    assert "Waiting for confirmation: bruno@example.org." in told_ana
    assert "We sent a link to carla@work.example.org." in told_carla
    for hint in ("already", "belongs", "another account", "cannot be used"):
        assert hint not in told_ana.lower(), hint
    deliver(app, smtp_server)
    (to_bruno,) = mails_to(smtp_server, "bruno@example.org")
    assert to_bruno["Subject"] == "Your email address was not added to another account"
    assert CONFIRM not in to_bruno.get_content()
    assert "Hello Bruno" in to_bruno.get_content(), "written to the address's owner"
    assert len(mails_to(smtp_server, "ana@example.org")) == 1, "the notice, as for any request"
    assert _email_of(app, ana) == "ana@example.org"


def test_an_address_taken_before_the_link_is_opened_is_refused(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    smtp_server: SmtpServer,
) -> None:
    ana = make_user(email="ana@example.org", ui_language="en")
    login(client, ana)
    _ask(client, "shared@example.org")
    deliver(app, smtp_server)
    link = link_in(mails_to(smtp_server, "shared@example.org")[0], CONFIRM)
    make_user(email="shared@example.org")
    refused = client.post(link)
    assert refused.status_code == 409
    assert _email_of(app, ana) == "ana@example.org"
    assert client.get("/account").status_code == 200, "still signed in: nothing changed"


def test_the_same_or_a_malformed_address_is_refused_on_the_form(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    login(client, make_user(email="ana@example.org", ui_language="en"))
    same = _ask(client, "ANA@example.org")
    assert same.status_code == 422
    assert "This is already your email address." in same.get_data(as_text=True)
    malformed = _ask(client, "ana.example.org")
    assert malformed.status_code == 422
    assert 'aria-invalid="true"' in malformed.get_data(as_text=True)
    assert queued(app) == []


def test_cancelling_or_changing_the_password_ends_a_pending_change(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    smtp_server: SmtpServer,
) -> None:
    ana = make_user(email="ana@example.org", ui_language="en")
    login(client, ana)
    _ask(client, "first@example.org")
    assert client.post("/account/email/cancel").headers["Location"] == "/account"
    assert "Waiting for confirmation" not in page(client, "/account")
    _age_requests(app, timedelta(minutes=11))
    _ask(client, "second@example.org")
    client.post(
        "/account/password",
        data={
            "current_password": DEFAULT_PASSWORD,
            "new_password": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    deliver(app, smtp_server)
    for address in ("first@example.org", "second@example.org"):
        link = link_in(mails_to(smtp_server, address)[0], CONFIRM)
        assert client.post(link).status_code == 410, address
    assert _email_of(app, ana) == "ana@example.org"


def test_anyone_signed_in_can_change_their_name(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    ana = make_user(name="Ana", ui_language="en")
    login(client, ana)
    saved = client.post("/account/name", data={"name-name": "  Ana   María Pérez "})
    assert saved.status_code == 302
    stored = stored_user(app, ana.id)
    assert stored is not None and stored.name == "Ana María Pérez"
    assert "Your name has been saved." in page(client, "/account")
    empty = client.post("/account/name", data={"name-name": "   "})
    assert empty.status_code == 422
    assert "Enter your name." in empty.get_data(as_text=True)


def test_the_account_forms_need_a_signed_in_person(client: FlaskClient) -> None:
    for url in ("/account/name", "/account/email", "/account/email/cancel"):
        assert client.post(url).headers["Location"].startswith("/login"), url
