"""Personal invitations over HTTP: a real spreadsheet in, real email out, one use each."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from lms.cohorts import services
from lms.db import db_session
from lms.mail.worker import MailWorker
from lms.models import Cohort, Enrollment, Invitation, OutboxMessage, Role, User
from tests.mail.smtp_server import SmtpServer

# What Spanish-locale Excel writes: Windows-1252, semicolons, Spanish headers.
LATIN1_SEMICOLONS = (
    "Nombre completo;Correo electrónico;País;Institución;Idioma\r\n"
    "José Núñez;jose.nunez@example.org;Argentina;Dirección Nacional de Migraciones;es\r\n"
    "Ana Conceição;ana@example.org;Brasil;Polícia Federal;pt\r\n"
    "Sin correo;;Chile;;es\r\n"
    "José otra vez;JOSE.NUNEZ@example.org;AR;;\r\n"
).encode("cp1252")


# One row with each kind of problem a list can have, and one ready to be invited.
ROWS_WITH_PROBLEMS = (
    "Nombre completo,Correo electrónico,País\r\n"
    ",luis@example.org,Chile\r\n"
    "Ana Pérez,ana<b>@example,Atlántida\r\n"
    "Marta Díaz,marta@example.org,Perú\r\n"
).encode()


@pytest.fixture
def coordinator(make_user: Callable[..., User]) -> User:
    return make_user(role=Role.INSTRUCTOR, name="Coordinadora", ui_language="en")


@pytest.fixture
def cohort(app: Flask, coordinator: User) -> Cohort:
    with app.app_context():
        created = services.create_cohort(db_session(), "Edición 2027", created_by=coordinator)
        db_session().commit()
        return created


@pytest.fixture
def staff(client: FlaskClient, coordinator: User, login: Callable[..., Any]) -> FlaskClient:
    login(client, coordinator)
    return client


@pytest.fixture
def spanish_staff(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> tuple[FlaskClient, Cohort]:
    """A coordinator with a cohort, her account in Spanish, signed in from an English browser."""
    spanish = make_user(role=Role.INSTRUCTOR, name="Coordinadora", ui_language="es")
    with app.app_context():
        cohort = services.create_cohort(db_session(), "Edición 2028", created_by=spanish)
        db_session().commit()
    login(client, spanish)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # the account's language wins
    return client, cohort


def _upload(client: FlaskClient, cohort: Cohort, data: bytes, name: str) -> str:
    response = client.post(
        f"/manage/cohorts/{cohort.id}/invitations/upload",
        data={"roster": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    return str(response.headers["Location"])


def test_a_spanish_excel_list_is_previewed_row_by_row_then_invited_once(
    app: Flask, staff: FlaskClient, cohort: Cohort
) -> None:
    preview_url = _upload(staff, cohort, LATIN1_SEMICOLONS, "participantes.csv")
    page = staff.get(preview_url).get_data(as_text=True)
    assert "José Núñez" in page and "Ana Conceição" in page
    assert "2 of 4 rows can be invited" in page
    assert "line 2" in page.lower()  # the duplicate names the first line
    assert staff.post(preview_url).status_code == 302
    assert staff.post(preview_url).status_code == 302  # a double click invites nobody twice
    with app.app_context():
        invited = db_session().scalars(select(Invitation).order_by(Invitation.email)).all()
        assert [(i.email, i.language, i.country) for i in invited] == [
            ("ana@example.org", "pt", "BR"),
            ("jose.nunez@example.org", "es", "AR"),
        ]
        assert len(db_session().scalars(select(OutboxMessage)).all()) == 2
    listing = staff.get(f"/manage/cohorts/{cohort.id}/invitations").get_data(as_text=True)
    assert "waiting to be sent" in listing


def test_the_email_arrives_in_the_learners_language_and_its_link_works_once(
    app: Flask, staff: FlaskClient, cohort: Cohort, smtp_server: SmtpServer
) -> None:
    staff.post(_upload(staff, cohort, LATIN1_SEMICOLONS, "lista.csv"))
    MailWorker(app, smtp_server.settings()).run_once()
    mails = {m["To"]: m for m in smtp_server.messages}
    spanish = mails["jose.nunez@example.org"]
    assert spanish["Subject"] == "Invitación: Edición 2027"
    body = spanish.get_content()
    link = re.search(r"http://localhost/invitation/\S+", body)
    assert link, body
    assert "Convite" in mails["ana@example.org"]["Subject"]

    visitor = app.test_client()
    form = visitor.get(link.group(0)).get_data(as_text=True)
    assert 'value="jose.nunez@example.org"' in form and 'value="José Núñez"' in form
    created = visitor.post(
        link.group(0),
        data={
            "name": "José Núñez",
            "email": "someone.else@example.org",
            "password": "una-clave-larga",
            "confirm": "una-clave-larga",
        },
    )
    assert created.status_code == 302
    with app.app_context():
        user = db_session().scalars(select(User).where(User.name == "José Núñez")).one()
        assert user.email == "jose.nunez@example.org"  # the invited address, whatever is posted
        assert db_session().scalars(
            select(Enrollment.cohort_id).where(Enrollment.user_id == user.id)
        ).all() == [cohort.id]
    assert app.test_client().get(link.group(0)).status_code == 410
    listing = staff.get(f"/manage/cohorts/{cohort.id}/invitations").get_data(as_text=True)
    assert "accepted" in listing and "delivered to the mail server" in listing


def test_a_revoked_invitation_stops_working_and_sending_it_again_revives_it(
    app: Flask, staff: FlaskClient, cohort: Cohort
) -> None:
    staff.post(_upload(staff, cohort, LATIN1_SEMICOLONS, "lista.csv"))
    with app.app_context():
        invitation = db_session().scalars(select(Invitation)).first()
        assert invitation is not None
    base = f"/manage/cohorts/{cohort.id}/invitations/{invitation.id}"
    assert staff.post(f"{base}/revoke").status_code == 302
    assert app.test_client().get(f"/invitation/{invitation.token}").status_code == 410
    assert staff.post(f"{base}/resend").status_code == 302
    assert app.test_client().get(f"/invitation/{invitation.token}").status_code == 200
    with app.app_context():
        assert len(db_session().scalars(select(OutboxMessage)).all()) == 3


def test_a_file_that_is_not_a_list_is_explained_and_invites_nobody(
    staff: FlaskClient, cohort: Cohort
) -> None:
    preview_url = _upload(staff, cohort, b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old.xls")
    response = staff.get(preview_url)
    assert response.status_code == 422
    assert ".xlsx" in response.get_data(as_text=True)


def test_a_spanish_speaking_coordinator_reads_the_row_problems_in_spanish(
    spanish_staff: tuple[FlaskClient, Cohort],
) -> None:
    staff, cohort = spanish_staff
    staff.post(_upload(staff, cohort, b"Nombre,Correo\nMarta,marta@example.org\n", "a.csv"))
    response = staff.get(_upload(staff, cohort, ROWS_WITH_PROBLEMS, "participantes.csv"))
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "falta el nombre: agregue el nombre completo del participante" in page
    assert (
        "correo electrónico no válido 'ana<b>@example': escriba una sola dirección, como "
        "nombre@example.org" in page
    )
    assert "país desconocido 'Atlántida': escriba su nombre o su código ISO" in page
    assert "ya tiene una invitación a esta cohorte (reenvíela desde la lista)" in page
    assert "missing name" not in page and "already invited" not in page
    # What the file says is shown as text, never as markup.
    assert "ana&lt;b&gt;@example" in response.get_data(as_text=True)


def test_a_spanish_speaking_coordinator_reads_why_a_file_is_refused_in_spanish(
    spanish_staff: tuple[FlaskClient, Cohort],
) -> None:
    staff, cohort = spanish_staff
    response = staff.get(_upload(staff, cohort, b"\xd0\xcf\x11\xe0" + b"\0" * 100, "viejo.xls"))
    assert response.status_code == 422
    assert (
        "'viejo.xls' es un archivo de Excel antiguo (.xls) o un libro protegido con contraseña: "
        "guárdelo como .xlsx o .csv, sin contraseña"
        in html.unescape(response.get_data(as_text=True))
    )


def test_only_the_cohorts_instructors_and_admins_manage_its_invitations(
    app: Flask,
    cohort: Cohort,
    make_user: Callable[..., User],
    login: Callable[..., Any],
) -> None:
    url = f"/manage/cohorts/{cohort.id}/invitations"
    for role, status in ((Role.LEARNER, 403), (Role.INSTRUCTOR, 404), (Role.ADMIN, 200)):
        client = app.test_client()
        login(client, make_user(role=role))
        assert client.get(url).status_code == status
        assert client.get(f"{url}/upload").status_code == status
