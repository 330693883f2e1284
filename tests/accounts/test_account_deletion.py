"""Asking for one's account to be deleted: confirmed with the password, decided by an admin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.db import db_session
from lms.models import (
    AttemptGrant,
    Bookmark,
    Certificate,
    CheckAnswer,
    DeadlineExtension,
    DeletionRequest,
    Enrollment,
    Invitation,
    LessonCompletion,
    OutboxMessage,
    QuizAttempt,
    Role,
    User,
)
from tests.accounts.helpers import (
    audit_actions,
    deliver,
    leave_footprint,
    mails_to,
    page,
    stored_user,
)
from tests.conftest import DEFAULT_PASSWORD
from tests.mail.smtp_server import SmtpServer

PER_USER = (
    Enrollment,
    LessonCompletion,
    CheckAnswer,
    QuizAttempt,
    AttemptGrant,
    DeadlineExtension,
    Certificate,
    Bookmark,
)


def _ask(client: FlaskClient, password: str = DEFAULT_PASSWORD) -> Any:
    return client.post("/account/deletion", data={"deletion-password": password})


def _requests(app: Flask) -> list[DeletionRequest]:
    with app.app_context():
        return list(db_session().scalars(select(DeletionRequest)))


def _records_of(app: Flask, user_id: int) -> dict[str, int]:
    """How many rows of each per-person table belong to the account."""
    with app.app_context():
        session = db_session()
        return {
            model.__tablename__: session.scalar(
                select(func.count()).select_from(model).where(model.user_id == user_id)
            )
            or 0
            for model in PER_USER
        }


def _carry_out(client: FlaskClient, user: User, confirm: bool = True) -> Any:
    data = {f"delete-{user.id}-confirm": "y"} if confirm else {}
    return client.post(f"/manage/users/{user.id}/deletion/carry-out", data=data)


# Ana confirms with her password six times in this minute: more than the attempt limit allows.
@pytest.mark.app_config(LMS_SIGN_IN_LIMIT_PER_EMAIL="50 per minute")
def test_a_request_is_made_withdrawn_declined_and_carried_out(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    smtp_server: SmtpServer,
    course_version: int,
) -> None:
    admin = make_user(role=Role.ADMIN, name="Admin", ui_language="en")
    ana = make_user(email="ana@example.org", name="Ana Learner", ui_language="en")
    bruno = make_user(email="bruno@example.org", ui_language="en")
    leave_footprint(app, ana, admin, course_version, "ANA")
    leave_footprint(app, bruno, admin, course_version, "BRUNO")
    bruno_before = _records_of(app, bruno.id)
    login(client, ana)
    desk = app.test_client()
    login(desk, admin)

    wrong = _ask(client, "not my password")
    assert wrong.status_code == 422
    assert "This is not your password." in wrong.get_data(as_text=True)
    assert _requests(app) == []

    assert _ask(client).headers["Location"] == "/account"
    assert _ask(client).status_code == 302, "sent twice"
    assert len(_requests(app)) == 1
    assert "Withdraw my request" in page(client, "/account")
    client.post("/account/deletion/withdraw")
    assert _requests(app) == []
    assert "Your request has been withdrawn." in page(client, "/account")

    _ask(client)
    users_page = page(desk, "/manage/users")
    assert "Requests to delete an account" in users_page
    assert f'action="/manage/users/{ana.id}/deletion/carry-out"' in users_page
    desk.post(f"/manage/users/{ana.id}/deletion/decline", data={f"decline-{ana.id}-reason": " "})
    assert _requests(app)[0].pending, "declining needs a reason"
    reason = "Your certificate is being checked by the ministry until June."
    declined = desk.post(
        f"/manage/users/{ana.id}/deletion/decline", data={f"decline-{ana.id}-reason": reason}
    )
    assert declined.headers["Location"] == "/manage/users"
    deliver(app, smtp_server)
    told = mails_to(smtp_server, "ana@example.org")[-1]
    assert told["Subject"] == "Your account was not deleted"
    assert reason in told.get_content()
    account = page(client, "/account")
    assert reason in account
    assert "Ask for my account to be deleted" in account

    _ask(client)
    _carry_out(desk, ana, confirm=False)
    assert stored_user(app, ana.id) is not None, "not without ticking the box"
    assert _carry_out(desk, ana).headers["Location"] == "/manage/users"
    assert "The account of Ana Learner has been deleted" in page(desk, "/manage/users")
    assert _carry_out(desk, ana).headers["Location"] == "/manage/users", "a second click"
    assert "This account has already been deleted." in page(desk, "/manage/users")

    assert stored_user(app, ana.id) is None
    assert set(_records_of(app, ana.id).values()) == {0}
    assert _records_of(app, bruno.id) == bruno_before, "nobody else's data goes"
    with app.app_context():
        session = db_session()
        invited = session.scalars(select(Invitation.email)).all()
        to_ana = session.scalars(
            select(OutboxMessage.kind).where(OutboxMessage.recipient == "ana@example.org")
        ).all()
    assert invited == ["bruno@example.org"]
    assert to_ana == ["account_deleted"], "only the mail that tells her"
    about_ana = [event for event in audit_actions(app) if event[2].startswith(f"user {ana.id}")]
    assert about_ana == [("account.delete", admin.id, f"user {ana.id}")]
    assert any(event[2].startswith(f"user {bruno.id} ") for event in audit_actions(app))

    deliver(app, smtp_server)
    goodbye = mails_to(smtp_server, "ana@example.org")[-1]
    assert goodbye["Subject"] == "Your account has been deleted"
    assert "Ana Learner" not in goodbye.get_content()
    assert client.get("/account").status_code == 302, "signed out"
    assert (
        app.test_client()
        .post("/login", data={"email": "ana@example.org", "password": DEFAULT_PASSWORD})
        .status_code
        == 422
    )


def test_the_last_administrator_cannot_be_deleted(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    only = make_user(role=Role.ADMIN, name="Only Admin", ui_language="en")
    login(client, only)
    _ask(client)
    refused = _carry_out(client, only)
    assert refused.headers["Location"] == "/manage/users"
    assert "Only Admin is the only administrator." in page(client, "/manage/users")
    assert stored_user(app, only.id) is not None
    assert _requests(app)[0].pending

    second = make_user(role=Role.ADMIN, ui_language="en")
    other_desk = app.test_client()
    login(other_desk, second)
    _carry_out(other_desk, only)
    assert stored_user(app, only.id) is None


def test_a_withdrawn_request_cannot_be_carried_out(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    admin = make_user(role=Role.ADMIN, ui_language="en")
    ana = make_user(name="Ana", ui_language="en")
    login(client, ana)
    _ask(client)
    client.post("/account/deletion/withdraw")
    desk = app.test_client()
    login(desk, admin)
    _carry_out(desk, ana)
    assert stored_user(app, ana.id) is not None
    assert "Ana has no pending request any more" in page(desk, "/manage/users")


@pytest.mark.parametrize("role", [Role.LEARNER, Role.INSTRUCTOR])
def test_only_administrators_decide(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    role: Role,
) -> None:
    ana = make_user(ui_language="en")
    asking = app.test_client()
    login(asking, ana)
    _ask(asking)
    login(client, make_user(role=role))
    assert _carry_out(client, ana).status_code == 403
    decline = f"/manage/users/{ana.id}/deletion/decline"
    assert client.post(decline, data={f"decline-{ana.id}-reason": "no"}).status_code == 403
    assert stored_user(app, ana.id) is not None
    assert _requests(app)[0].pending
