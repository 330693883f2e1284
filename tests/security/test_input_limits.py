"""The edge checks of every request: control characters, lengths, ids and body sizes.

Each server error a probe found has its test here; each now gets a 4xx that says what to change.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from lms.cohorts import services as cohorts
from lms.db import db_session
from lms.input_limits import MAX_ID, column_length, parse_id, parse_int
from lms.models import Cohort, Invitation, QuizAttempt, Role, User
from lms.models.types import utcnow
from tests.conftest import DEFAULT_PASSWORD

MODULE = "understanding-migration"  # the module of the small test course
NUL_MESSAGE = "contains a control character (U+0000)"


def _page(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture(autouse=True)
def english(client: FlaskClient) -> None:
    """Pages in English, the language the messages are written in here."""
    client.set_cookie("lang", "en")


@pytest.fixture
def cohort(app: Flask) -> Cohort:
    with app.app_context():
        created = cohorts.create_cohort(db_session(), "Edición 2027")
        db_session().commit()
        return created


@pytest.fixture
def invitation(app: Flask, cohort: Cohort) -> Invitation:
    from datetime import timedelta

    with app.app_context():
        invited = Invitation(
            cohort_id=cohort.id,
            email="invitada@example.org",
            name="Persona Invitada",
            token="invitation-token",
            expires_at=utcnow() + timedelta(days=7),
        )
        db_session().add(invited)
        db_session().commit()
        return invited


def _users(app: Flask) -> int:
    with app.app_context():
        return db_session().scalar(select(func.count()).select_from(User)) or 0


# Pure parts.


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", 1),
        ("0", 0),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        (str(2**63), None),
        ("1e23", None),
        ("-1", None),
        (" 1", None),
        ("١٢", None),
        ("1_0", None),
        ("", None),
        ("9" * 5000, None),
        (None, None),
        (7, 7),
        (-7, None),
        (True, None),
    ],
)
def test_parse_id_takes_ascii_digits_within_the_id_columns(raw: object, expected: Any) -> None:
    assert parse_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("3", 3), (" -2 ", -2), ("+4", 4), ("11", None), ("1.5", None), ("NaN", None), ("", None)],
)
def test_parse_int_keeps_within_its_bounds(raw: str, expected: int | None) -> None:
    assert parse_int(raw, -5, 10) == expected


def test_lengths_come_from_the_model_columns() -> None:
    assert column_length(User.email) == 254
    assert column_length(User.name) == 200
    assert column_length(Cohort.name) == 200
    with pytest.raises(TypeError):
        column_length(User.id)


# Control characters.


def test_a_nul_in_the_sign_in_email_is_refused_with_a_page_naming_the_field(
    client: FlaskClient,
) -> None:
    response = client.post("/login", data={"email": "a\x00@example.org", "password": "x"})
    assert response.status_code == 400
    page = _page(response)
    assert "“email”" in page and NUL_MESSAGE in page


def test_a_nul_in_an_invitation_token_is_refused_signed_out(client: FlaskClient) -> None:
    for path in ("/invitation/abc%00def", "/join/abc%00def", "/password/reset/a%00"):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "The address contains a control character (U+0000)" in _page(response)


def test_a_nul_in_the_name_of_an_invitation_sign_up_is_refused(
    app: Flask, client: FlaskClient, invitation: Invitation
) -> None:
    response = client.post(
        "/invitation/invitation-token",
        data={"name": "Ana\x00", "password": DEFAULT_PASSWORD, "confirm": DEFAULT_PASSWORD},
    )
    assert response.status_code == 400
    assert "“name”" in _page(response)
    assert _users(app) == 0


def test_a_line_break_in_a_name_is_refused_next_to_the_field(
    app: Flask, client: FlaskClient, cohort: Cohort
) -> None:
    response = client.post(
        f"/join/{cohort.invite_token}",
        data={
            "name": "Ana\nPérez",
            "email": "ana@example.org",
            "password": DEFAULT_PASSWORD,
            "confirm": DEFAULT_PASSWORD,
        },
    )
    assert response.status_code == 422
    assert "Write this on one line" in _page(response)
    assert _users(app) == 0


def test_multi_line_text_keeps_its_line_breaks_and_tabs(client: FlaskClient) -> None:
    # A reason or a lesson may span lines: only the other control characters are refused.
    response = client.post("/login", data={"email": "a@example.org", "password": "a\tb\r\nc"})
    assert response.status_code != 400


def test_a_control_character_in_json_gets_a_json_error(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    login(client, make_user(role=Role.INSTRUCTOR))
    response = client.post(
        "/manage/editor/save", json={"path": "a\x00.md", "text": "x", "revision": 0}
    )
    assert response.status_code == 400
    assert "U+0000" in response.get_json()["error"]


def test_a_form_sent_as_json_is_an_empty_form_not_a_crash(client: FlaskClient) -> None:
    response = client.post("/login", json={"email": 2**63, "password": [None]})
    assert response.status_code == 422


def test_an_editor_revision_beyond_integer_is_refused(
    client: FlaskClient, make_user: Callable[..., User], login: Any, course_version: int
) -> None:
    from tests.authoring.test_editor_http import LESSON

    login(client, make_user(role=Role.INSTRUCTOR))
    api = client.post("/manage/editor/save", json={"path": LESSON, "text": "x", "revision": 2**63})
    assert api.status_code == 400
    form = client.post(f"/manage/editor/files/{LESSON}", data={"text": "x", "revision": "1e23"})
    assert form.status_code == 400


def test_static_files_answer_bad_input_without_a_session(client: FlaskClient) -> None:
    response = client.get("/static/css/site.css?x=%00")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"


# Lengths.


def test_a_sign_up_email_longer_than_the_column_is_refused_next_to_the_field(
    app: Flask, client: FlaskClient, cohort: Cohort
) -> None:
    email = "a" * 300 + "@example.org"  # 312 characters: SQLite would store it
    response = client.post(
        f"/join/{cohort.invite_token}",
        data={
            "name": "Ana",
            "email": email,
            "password": DEFAULT_PASSWORD,
            "confirm": DEFAULT_PASSWORD,
        },
    )
    assert response.status_code == 422
    assert "Use at most 254 characters." in _page(response)
    assert _users(app) == 0


def test_a_roster_row_longer_than_the_invitation_columns_is_a_problem_of_its_row(
    app: Flask, client: FlaskClient, cohort: Cohort, make_user: Callable[..., User], login: Any
) -> None:
    login(client, make_user(role=Role.ADMIN, ui_language="en"))
    roster = f"name,email,institution\n{'N' * 201},long@example.org,{'I' * 301}\n"
    uploaded = client.post(
        f"/manage/cohorts/{cohort.id}/invitations/upload",
        data={"roster": (io.BytesIO(roster.encode()), "lista.csv")},
    )
    assert uploaded.status_code == 302
    preview = client.get(uploaded.headers["Location"])
    page = _page(preview)
    assert "name longer than 200 characters" in page
    assert "institution longer than 300 characters" in page
    confirmed = client.post(uploaded.headers["Location"])
    assert confirmed.status_code < 500
    with app.app_context():
        assert db_session().scalar(select(func.count()).select_from(Invitation)) == 0


# Ids.


def _int_rules(app: Flask) -> list[tuple[str, str]]:
    rules = []
    for rule in app.url_map.iter_rules():
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            method = "POST" if "POST" in (rule.methods or ()) else "GET"
            rules.append((rule.rule, method))
    return rules


def test_every_id_in_an_address_beyond_the_integer_columns_is_not_found(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], login: Any
) -> None:
    login(client, make_user(role=Role.ADMIN))
    rules = _int_rules(app)
    assert len(rules) > 20
    for rule, method in rules:
        for number in (MAX_ID + 1, 2**63, 10**23):
            path = rule
            for name in ("cohort_id", "user_id", "invitation_id", "upload_id", "number"):
                path = path.replace(f"<int:{name}>", str(number))
            path = path.replace("<module_slug>", MODULE).replace("<path:path>", "a.md")
            response = client.open(path, method=method)
            assert response.status_code == 404, (path, response.status_code)


def test_a_route_added_later_gets_the_bounded_id_converter(app: Flask) -> None:
    app.add_url_rule("/probe/<int:number>", "probe", lambda number: str(number))
    client = app.test_client()
    assert client.get(f"/probe/{MAX_ID}").get_data(as_text=True) == str(MAX_ID)
    assert client.get(f"/probe/{MAX_ID + 1}").status_code == 404


@pytest.mark.parametrize("version_id", ["1e23", str(10**23), str(2**31), "-1", "١"])
def test_a_quiz_sent_with_an_unreadable_version_is_graded_on_the_live_one(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Any,
    course_version: int,
    version_id: str,
) -> None:
    learner = make_user()
    login(client, learner)
    response = client.post(
        f"/learn/{MODULE}/quiz", data={"version_id": version_id, "submission_token": "t" * 20}
    )
    assert response.status_code == 302
    with app.app_context():
        attempt = db_session().scalar(select(QuizAttempt))
        assert attempt is not None and attempt.version_id == course_version


# Body sizes.


def test_a_form_larger_than_forms_take_is_refused_with_the_413_page(client: FlaskClient) -> None:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    limit = client.application.config["LMS_FORM_MAX_BYTES"]
    response = client.post("/login", data={"email": "a@example.org", "password": "x" * limit})
    assert response.status_code == 413
    page = _page(response)
    assert "What you sent is too large" in page and "1 MB" in page


def test_a_roster_larger_than_a_form_is_still_taken(
    client: FlaskClient, cohort: Cohort, make_user: Callable[..., User], login: Any
) -> None:
    login(client, make_user(role=Role.ADMIN))
    rows = "".join(f"Persona {n},p{n}@example.org,{'Institución ' * 20}\n" for n in range(4900))
    data = f"name,email,institution\n{rows}".encode()
    assert len(data) > client.application.config["LMS_FORM_MAX_BYTES"]
    response = client.post(
        f"/manage/cohorts/{cohort.id}/invitations/upload",
        data={"roster": (io.BytesIO(data), "lista.csv")},
    )
    assert response.status_code == 302


def test_the_editor_form_takes_a_lesson_larger_than_a_form_field_may_be_elsewhere(
    client: FlaskClient, make_user: Callable[..., User], login: Any, course_version: int
) -> None:
    from tests.authoring.test_editor_http import LESSON

    login(client, make_user(role=Role.INSTRUCTOR))
    text = "---\ntitle: Long\n---\n\n" + "Una palabra más. " * 40_000  # about 680 kB
    response = client.post(f"/manage/editor/files/{LESSON}", data={"text": text, "revision": "0"})
    assert response.status_code == 302
