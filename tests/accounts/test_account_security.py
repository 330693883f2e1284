"""Account security: one attempt budget for every password form, password rules, the audit log.

The Redis tests use the server at LMS_TEST_REDIS_URL (default redis://127.0.0.1:6379/0) with a
key prefix of their own; they skip without Redis, and fail under LMS_REQUIRE_REDIS=1 (CI).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from lms import audit, cli
from lms.auth import services as accounts
from lms.auth.common_passwords import common_passwords, is_common
from lms.bootstrap import _ensure_first_admin
from lms.cohorts import services as cohorts
from lms.db import db_session
from lms.models import AuditEvent, Cohort, Invitation, OutboxMessage, Role, User
from tests import test_sign_in_limits as sign_in_limits
from tests.accounts.helpers import audit_actions, stored_user
from tests.conftest import FAST_PASSWORD_METHOD, csrf_token_from

NEW = "a long new sentence"
COMMON = "Q1W2E3R4T5Y6"  # "q1w2e3r4t5y6" is on the list: 12 characters are not enough alone
TOO_MANY_PASSWORD = "Too many password attempts. Try again in"
# The real-Redis fixtures of the sign-in tests: workers sharing one database and one Redis.
redis_url = sign_in_limits.redis_url
workers = sign_in_limits.workers


def change(client: FlaskClient, current: str, new: str = NEW, **extra: Any) -> Any:
    """Send the password-change form."""
    data = {"current_password": current, "new_password": new, "confirm": new}
    return client.post("/account/password", data=data, headers={"Accept-Language": "en"}, **extra)


@pytest.fixture
def ana(make_user: Callable[..., User]) -> User:
    return make_user(email="ana@example.org", name="Ana", ui_language="en")


@pytest.fixture
def signed_in(client: FlaskClient, ana: User, login: Callable[..., Any]) -> FlaskClient:
    login(client, ana)  # the first of the account's five attempts this minute
    return client


# Attempt limits --------------------------------------------------------------------------------


def test_twelve_wrong_current_passwords_meet_a_429_after_the_sign_in_budget(
    signed_in: FlaskClient, ana: User, passwords: dict[int, str]
) -> None:
    codes = [change(signed_in, "a wrong guess").status_code for _ in range(12)]
    assert codes == [422] * 4 + [429] * 8
    refused = change(signed_in, passwords[ana.id])
    assert refused.status_code == 429, "the right password too, while limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    page = refused.get_data(as_text=True)
    assert TOO_MANY_PASSWORD in page and "a wrong guess" not in page
    with signed_in.application.app_context():
        user = db_session().get(User, ana.id)
        assert user is not None
        assert accounts.password_matches(user, passwords[ana.id]), "unchanged"


def test_sign_in_and_password_forms_share_one_budget_per_account(
    app: Flask, signed_in: FlaskClient, ana: User
) -> None:
    # Three wrong sign-ins for Ana elsewhere leave this session one guess of the five.
    elsewhere = app.test_client()
    for _ in range(3):
        wrong = {"email": "ana@example.org", "password": "guess"}
        assert elsewhere.post("/login", data=wrong).status_code == 422
    assert change(signed_in, "guess").status_code == 422
    assert change(signed_in, "guess").status_code == 429
    # ... and the other way round: the account's sign-in is refused now, from anywhere.
    other = {"email": "ana@example.org", "password": "guess"}
    far = app.test_client().post("/login", data=other, environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert far.status_code == 429


@pytest.mark.app_config(LMS_SIGN_IN_LIMIT_PER_ADDRESS="3 per minute")
def test_one_address_is_limited_across_accounts_and_forms(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    bea = make_user(email="bea@example.org")
    login(client, bea)
    assert change(client, "guess").status_code == 422
    assert (
        client.post("/login", data={"email": "x@example.org", "password": "y"}).status_code == 422
    )
    assert change(client, "guess").status_code == 429
    moved = change(client, "guess", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert moved.status_code == 422, "another address has its own count"


def test_the_deletion_request_is_limited_too(app: Flask, signed_in: FlaskClient, ana: User) -> None:
    codes = [
        signed_in.post("/account/deletion", data={"deletion-password": "guess"}).status_code
        for _ in range(6)
    ]
    assert codes == [422] * 4 + [429] * 2
    refused = signed_in.post(
        "/account/deletion", data={"deletion-password": "guess"}, headers={"Accept-Language": "en"}
    )
    assert TOO_MANY_PASSWORD in refused.get_data(as_text=True)
    assert "Retry-After" in refused.headers


def test_incomplete_password_forms_do_not_count(signed_in: FlaskClient) -> None:
    for _ in range(8):
        assert change(signed_in, "guess", new="short").status_code == 422
    assert [change(signed_in, "guess").status_code for _ in range(5)] == [422] * 4 + [429]


def test_redis_counts_password_changes_across_workers(
    workers: Any,
    redis_url: str,
    make_user: Callable[..., User],
) -> None:
    first, second = workers(2)
    with first.app_context():
        user = accounts.create_user(
            db_session(), email="cy@example.org", name="Cy", password="cy's long password"
        )
        db_session().commit()
    clients = [first.test_client(), second.test_client()]
    clients[0].post("/login", data={"email": "cy@example.org", "password": "cy's long password"})
    cookie = clients[0].get_cookie("lms_session")
    assert cookie is not None
    clients[1].set_cookie("lms_session", cookie.value)  # the same session, another process
    codes = [change(clients[n % 2], "guess").status_code for n in range(8)]
    assert codes == [422] * 4 + [429] * 4
    prefix = first.config["LMS_RATE_LIMIT_PREFIX"]
    keys = sign_in_limits.stored_keys(redis_url, prefix)
    assert keys and not any("cy@example.org" in key for key in keys)
    assert user.id


def test_without_redis_each_worker_counts_password_changes_alone(workers: Any) -> None:
    first, second = workers(2, LMS_REDIS_URL=None)
    with first.app_context():
        accounts.create_user(
            db_session(), email="di@example.org", name="Di", password="di pass 123!"
        )
        db_session().commit()
    clients = [first.test_client(), second.test_client()]
    clients[0].post("/login", data={"email": "di@example.org", "password": "di pass 123!"})
    cookie = clients[0].get_cookie("lms_session")
    assert cookie is not None
    clients[1].set_cookie("lms_session", cookie.value)
    codes = [change(clients[n % 2], "guess").status_code for n in range(8)]
    assert codes == [422] * 8, "what Redis is for: each process lets its own five through"


# Passwords ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "common"),
    [
        ("q1w2e3r4t5y6", True),
        ("Q1W2E3R4T5Y6", True),
        ("  qwerty123456 ", True),
        ("password", True),
        ("a long new sentence", False),
        ("q1w2e3r4t5y7", False),
    ],
)
def test_common_passwords_are_recognised_whatever_their_case(password: str, common: bool) -> None:
    assert is_common(password) is common


def test_the_list_is_djangos_twenty_thousand() -> None:
    assert 19_000 < len(common_passwords()) <= 20_000
    assert all(entry == entry.lower() for entry in common_passwords())


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("eleven char", "Use at least 12 characters."),
        (COMMON, "This password is one of the 20,000 most common ones"),
    ],
)
def test_change_and_reset_refuse_short_and_common_passwords(
    app: Flask, signed_in: FlaskClient, ana: User, passwords: dict[int, str], new: str, message: str
) -> None:
    refused = change(signed_in, passwords[ana.id], new=new)
    assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    from lms.auth import reset

    with app.app_context():
        token = reset.token_for(db_session().get(User, ana.id), app.config["SECRET_KEY"])  # type: ignore[arg-type]
    anonymous = app.test_client()
    page = anonymous.post(
        f"/password/reset/{token}",
        data={"new_password": new, "confirm": new},
        headers={"Accept-Language": "en"},
    )
    assert page.status_code == 422 and message in page.get_data(as_text=True)


def test_sign_up_through_the_cohort_link_refuses_a_common_password(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        cohort = cohorts.create_cohort(db_session(), "Edición 2027")
        db_session().commit()
        token = cohort.invite_token
    data = {"name": "Eva", "email": "eva@example.org", "password": COMMON, "confirm": COMMON}
    refused = client.post(f"/join/{token}", data=data, headers={"Accept-Language": "en"})
    assert refused.status_code == 422
    assert "most common ones" in refused.get_data(as_text=True)
    fine = {**data, "password": NEW, "confirm": NEW}
    assert client.post(f"/join/{token}", data=fine).status_code == 302


def test_the_services_and_commands_refuse_common_passwords(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.app_context(), pytest.raises(accounts.PasswordTooCommon):
        accounts.create_user(db_session(), email="f@example.org", name="F", password=COMMON)
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "cli"))
    runner = CliRunner()
    assert runner.invoke(cli.main, ["init"]).exit_code == 0
    made = runner.invoke(
        cli.main,
        ["user", "create", "--email", "g@example.org", "--name", "G", "--password", COMMON],
    )
    assert made.exit_code == 1 and "20,000 most common ones" in made.output
    ok = ["user", "create", "--email", "g@example.org", "--name", "G", "--password", NEW]
    assert runner.invoke(cli.main, ok).exit_code == 0
    reset = runner.invoke(
        cli.main, ["user", "set-password", "--email", "g@example.org", "--password", COMMON]
    )
    assert reset.exit_code == 1 and "20,000 most common ones" in reset.output


def test_an_existing_shorter_password_still_signs_in(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    old = make_user(email="old@example.org", password="short-pw1")  # made under the old rule
    response = client.post("/login", data={"email": old.email, "password": "short-pw1"})
    assert response.status_code == 302


@pytest.mark.parametrize("minimum", [12, 40])
def test_the_first_administrators_generated_password_passes_the_rules(
    app: Flask, minimum: int
) -> None:
    app.config["LMS_MIN_PASSWORD_LENGTH"] = minimum
    with app.app_context():
        report = _ensure_first_admin(app)
        db_session().commit()
    assert report.admin_password is not None and len(report.admin_password) >= minimum
    accounts.check_new_password(report.admin_password, minimum)


def test_a_hash_of_another_method_is_upgraded_at_sign_in(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    user = make_user(email="pb@example.org", password=NEW)
    with app.app_context():
        stored = db_session().get(User, user.id)
        assert stored is not None
        stored.password_hash = generate_password_hash(NEW, method="pbkdf2:sha256:1000")
        db_session().commit()
    wrong = client.post("/login", data={"email": user.email, "password": "not it"})
    assert wrong.status_code == 422
    assert stored_user(app, user.id).password_hash.startswith("pbkdf2:")  # type: ignore[union-attr]
    assert client.post("/login", data={"email": user.email, "password": NEW}).status_code == 302
    upgraded = stored_user(app, user.id).password_hash  # type: ignore[union-attr]
    assert upgraded.startswith(FAST_PASSWORD_METHOD + "$")
    again = app.test_client().post("/login", data={"email": user.email, "password": NEW})
    assert again.status_code == 302
    assert stored_user(app, user.id).password_hash == upgraded, "hashed again only once"  # type: ignore[union-attr]


def test_real_hashes_use_scrypt_at_werkzeugs_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "PASSWORD_METHOD", "scrypt")
    started = time.perf_counter()
    hashed = accounts.hash_password(NEW)
    took = time.perf_counter() - started
    assert hashed.startswith("scrypt:32768:8:1$")
    assert took < 2, f"one hash took {took:.2f} s"
    assert not accounts.needs_rehash(hashed)
    assert accounts.needs_rehash(generate_password_hash(NEW, method="scrypt:1024:8:1"))


# Audit ----------------------------------------------------------------------------------------


def _events(app: Flask, prefix: str = "") -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        if prefix:
            query = query.where(AuditEvent.action.startswith(prefix))
        events = list(db_session().scalars(query))
        db_session().expunge_all()
        return events


def test_sign_ins_sign_outs_and_password_changes_are_audited(
    app: Flask, client: FlaskClient, ana: User, passwords: dict[int, str]
) -> None:
    client.post("/login", data={"email": "Ana@Example.org", "password": "not hers"})
    client.post("/login", data={"email": "nobody@example.org", "password": "whatever"})
    client.post("/login", data={"email": "ana@example.org", "password": passwords[ana.id]})
    assert change(client, passwords[ana.id]).status_code == 302
    client.post("/logout")
    events = [(e.action, e.actor_id, e.target, e.detail) for e in _events(app)]
    assert events == [
        ("auth.sign_in_failed", None, "", {"email": "Ana@Example.org", "address": "127.0.0.1"}),
        ("auth.sign_in_failed", None, "", {"email": "nobody@example.org", "address": "127.0.0.1"}),
        ("auth.sign_in", ana.id, f"user {ana.id}", {"address": "127.0.0.1"}),
        ("account.password_change", ana.id, f"user {ana.id}", {}),
        ("auth.sign_out", ana.id, f"user {ana.id}", {}),
    ]


def test_role_changes_and_invitation_link_changes_are_audited(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    ana: User,
) -> None:
    admin = make_user(role=Role.ADMIN, name="Admin")
    login(client, admin)
    client.post(f"/manage/users/{ana.id}/role", data={f"user-{ana.id}-role": "instructor"})
    with app.app_context():
        cohort = cohorts.create_cohort(db_session(), "Edición 2027")
        db_session().commit()
        cohort_id, old_token = cohort.id, cohort.invite_token
    client.post(f"/manage/cohorts/{cohort_id}/invite")
    roster = b"name,email\nEva,eva@example.org\n"
    import io

    uploaded = client.post(
        f"/manage/cohorts/{cohort_id}/invitations/upload",
        data={"roster": (io.BytesIO(roster), "list.csv")},
        content_type="multipart/form-data",
    )
    client.post(uploaded.headers["Location"])
    with app.app_context():
        invitation = db_session().scalars(select(Invitation)).one()
        invitation_id, invitation_token = invitation.id, invitation.token
        new_token = db_session().get(Cohort, cohort_id).invite_token  # type: ignore[union-attr]
    base = f"/manage/cohorts/{cohort_id}/invitations/{invitation_id}"
    client.post(f"{base}/revoke")
    client.post(f"{base}/resend")
    actions = [
        (action, actor, target)
        for action, actor, target in audit_actions(app)
        if not action.startswith("auth.")
    ]
    target = f"cohort {cohort_id} invitation {invitation_id}"
    assert actions == [
        ("account.role", admin.id, f"user {ana.id}"),
        ("cohort.invite_link", admin.id, f"cohort {cohort_id}"),
        ("invitation.revoke", admin.id, target),
        ("invitation.resend", admin.id, target),
    ]
    role = _events(app, "account.role")[0]
    assert role.detail == {"old": "learner", "new": "instructor"}
    stored = json.dumps([(e.target, e.detail) for e in _events(app)])
    for secret in (old_token, new_token, invitation_token, "eva@example.org"):
        assert secret not in stored


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_no_secret_reaches_the_audit_trail_or_the_logs(
    app: Flask,
    client: FlaskClient,
    ana: User,
    passwords: dict[int, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A full round: sign-ins, a password change, a reset by mail, an email change, sign-out."""
    secrets: list[str] = [passwords[ana.id], NEW, "wrong guess 1"]

    def post(path: str, data: dict[str, str], form_page: str | None = None) -> Any:
        html = client.get(form_page or path).get_data(as_text=True)
        token = csrf_token_from(html)
        secrets.append(token)
        return client.post(path, data={**data, "csrf_token": token})

    caplog.set_level(logging.DEBUG)
    post("/login", {"email": ana.email, "password": "wrong guess 1"})
    post("/login", {"email": ana.email, "password": passwords[ana.id]})
    secrets.append(client.get_cookie("lms_session").value)  # type: ignore[union-attr]
    changed = post(
        "/account/password",
        {"current_password": passwords[ana.id], "new_password": NEW, "confirm": NEW},
    )
    assert changed.status_code == 302
    email_form = client.get("/account").get_data(as_text=True)
    email_token = csrf_token_from(email_form.split('action="/account/email"')[1])
    secrets.append(email_token)
    client.post(
        "/account/email",
        data={"email-email": "ana.new@example.org", "email-csrf_token": email_token},
    )
    post("/logout", {}, form_page="/account")
    post("/password/forgot", {"email": ana.email})
    with app.app_context():
        bodies = db_session().scalars(select(OutboxMessage.text)).all()
    links = [
        word
        for body in bodies
        for word in body.split()
        if "/password/reset/" in word or "/account/email/confirm/" in word
    ]
    assert len(links) == 2, bodies
    for link in links:
        secrets.extend([link, link.rsplit("/", 1)[1]])
    reset_path = next(link for link in links if "/password/reset/" in link).split("localhost")[1]
    final = "another long sentence"
    secrets.append(final)
    done = post(reset_path, {"new_password": final, "confirm": final})
    assert done.status_code == 302

    actions = [event.action for event in _events(app)]
    assert actions == [
        "auth.sign_in_failed",
        "auth.sign_in",
        "account.password_change",
        "auth.sign_out",
        "account.password_reset",
    ]
    with app.app_context():
        rows = (
            db_session()
            .execute(select(AuditEvent.action, AuditEvent.target, AuditEvent.detail))
            .all()
        )
    stored = json.dumps([list(row) for row in rows], default=str)
    logged = caplog.text
    assert logged, "the round logs something, so the scan is not vacuous"
    for secret in secrets:
        assert secret not in stored, secret
        assert secret not in logged, secret


# The audit pages ------------------------------------------------------------------------------


def test_admins_filter_and_page_through_the_audit_log(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
) -> None:
    admin = make_user(role=Role.ADMIN, name="Admin", email="admin@example.org", ui_language="en")
    irene = make_user(role=Role.INSTRUCTOR, name="Irene", email="irene@example.org")
    with app.app_context():
        for n in range(55):
            audit.record(db_session(), irene.id, "draft.save", f"01-m/lesson-{n}.es.md")
        audit.record(db_session(), None, "auth.sign_in_failed", email="x@example.org")
        db_session().commit()
    login(client, admin)
    first = client.get("/manage/audit").get_data(as_text=True)
    assert "57 events match." in first and "Page 1 of 2." in first  # the admin's sign-in too
    second = client.get("/manage/audit?page=2").get_data(as_text=True)
    assert "lesson-0.es.md" in second and "lesson-54.es.md" not in second
    by_irene = client.get("/manage/audit?actor=IRENE@example.org").get_data(as_text=True)
    assert "55 events match." in by_irene
    auth = client.get("/manage/audit?action=auth.").get_data(as_text=True)
    assert "2 events match." in auth and "x@example.org" in auth
    failed = client.get("/manage/audit?action=auth.sign_in_failed").get_data(as_text=True)
    assert "1 event matches." in failed
    today = time.strftime("%Y-%m-%d", time.gmtime())
    dated = client.get(f"/manage/audit?since={today}&until={today}").get_data(as_text=True)
    assert "57 events match." in dated
    none = client.get("/manage/audit?until=2000-01-01").get_data(as_text=True)
    assert "0 events match." in none
    bad = client.get("/manage/audit?since=yesterday&actor=nobody@example.org&page=x")
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Enter the date as year-month-day" in text
    assert "No account has the email nobody@example.org" in text
    assert "The page number must be a whole number" in text
    login(client, irene)
    assert client.get("/manage/audit").status_code == 403


def test_instructors_see_content_and_their_cohorts_on_the_activity_page(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
) -> None:
    irene = make_user(role=Role.INSTRUCTOR, name="Irene")
    admin = make_user(role=Role.ADMIN, name="Admin")
    with app.app_context():
        session = db_session()
        mine = cohorts.create_cohort(session, "Mine", created_by=session.get(User, irene.id))
        theirs = cohorts.create_cohort(session, "Theirs")
        audit.record(session, irene.id, "draft.save", "content-file.md")
        audit.record(session, admin.id, "deadline.set", f"cohort {mine.id} module m1")
        audit.record(session, admin.id, "deadline.set", f"cohort {theirs.id} module m2")
        audit.record(session, admin.id, "account.role", "user 99", old="learner", new="admin")
        audit.record(session, None, "auth.sign_in_failed", email="victim@example.org")
        session.commit()
    login(client, irene)
    seen = client.get("/manage/editor/activity").get_data(as_text=True)
    assert "content-file.md" in seen and f"cohort {mine.id} module m1" in seen
    assert f"cohort {theirs.id} module m2" not in seen
    assert "account.role" not in seen and "auth.sign_in" not in seen
    login(client, admin)
    everything = client.get("/manage/editor/activity").get_data(as_text=True)
    assert f"cohort {theirs.id} module m2" in everything and "account.role" in everything


def test_the_served_access_log_hides_link_tokens(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    """A real server with the handler `lms serve` uses: its log names the page, not the token."""
    import contextlib
    import threading
    import urllib.request
    from urllib.error import HTTPError

    from werkzeug.serving import make_server

    from lms.access_log import RedactingRequestHandler

    server = make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=RedactingRequestHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    secret = "eyJ1IjoxfQ.secret-part-of-the-link"
    caplog.set_level(logging.INFO, logger="werkzeug")
    try:
        for path in (f"/password/reset/{secret}", f"/join/{secret}?x=1", "/login?next=/learn/"):
            # The links are not valid: a 404 or 410 page is logged all the same.
            with contextlib.suppress(HTTPError):
                urllib.request.urlopen(base + path, timeout=10).close()
    finally:
        server.shutdown()
        thread.join(timeout=10)
    logged = caplog.text
    assert secret not in logged
    assert "/password/reset/REDACTED" in logged and "/join/REDACTED" in logged
    assert "/login?next=/learn/" in logged


def test_deleting_an_account_deletes_the_failed_sign_ins_typed_with_its_address(
    app: Flask, client: FlaskClient, ana: User, make_user: Callable[..., User]
) -> None:
    from lms.auth import deletion
    from lms.mail.message import OutgoingMail

    admin = make_user(role=Role.ADMIN)
    for email in ("ANA@example.org", "bruno@example.org"):
        client.post("/login", data={"email": email, "password": "a guess"})
    with app.app_context():
        session = db_session()
        user = session.get(User, ana.id)
        assert user is not None
        deletion.request_deletion(session, user, "correct horse battery")
        session.commit()
        deletion.carry_out(
            session, ana.id, admin.id, lambda user: OutgoingMail(user.email, "Bye", "Bye", None)
        )
        session.commit()
    left = [(event.action, event.detail.get("email")) for event in _events(app, "auth.")]
    assert left == [("auth.sign_in_failed", "bruno@example.org")]
