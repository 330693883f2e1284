"""A coordinator invites from a spreadsheet; the learner signs up through the emailed link."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from lms.cohorts import services
from lms.db import db_session
from lms.mail.worker import MailWorker
from lms.models import Role, User
from tests.mail.smtp_server import SmtpServer

pytestmark = pytest.mark.browser
ROSTER = (
    "Nombre;Apellido;Correo electrónico;País;Idioma\r\n"
    "Lucía;Fernández;lucia.fernandez@example.org;Uruguay;español\r\n"
    "Sin;Correo;;Perú;\r\n"
).encode("cp1252")


def test_from_a_csv_upload_to_an_invited_learner_signed_in_by_the_email_link(
    app: Flask,
    browser_contexts: Callable[..., Any],
    make_user: Callable[..., User],
    smtp_server: SmtpServer,
    course_version: int,
    tmp_path: Path,
) -> None:
    coordinator = make_user(
        email="coord@example.org",
        role=Role.INSTRUCTOR,
        password="una-clave-larga",
        ui_language="es",
    )
    with app.app_context():
        cohort = services.create_cohort(db_session(), "Edición 2027", created_by=coordinator)
        db_session().commit()
    roster = tmp_path / "participantes.csv"
    roster.write_bytes(ROSTER)

    page = browser_contexts().new_page()
    page.goto("/login")
    page.fill('input[name="email"]', "coord@example.org")
    page.fill('input[name="password"]', "una-clave-larga")
    page.click('main form button[type="submit"]')
    page.goto(f"/manage/cohorts/{cohort.id}/invitations/upload")
    page.set_input_files("#roster", str(roster))
    page.click("main form button[type=submit]")
    expect(page.locator(".roster-table")).to_contain_text("Lucía Fernández")
    expect(page.locator(".row-problem")).to_have_count(1)
    page.get_by_role("button", name=re.compile("Invitar a 1 persona")).click()
    expect(page.locator(".flash-success")).to_be_visible()

    MailWorker(app, smtp_server.settings()).run_once()
    (mail,) = smtp_server.messages
    assert mail["To"] == "lucia.fernandez@example.org"
    link = re.search(r"http://\S+/invitation/\S+", mail.get_content())
    assert link
    path = "/invitation/" + link.group(0).rsplit("/invitation/", 1)[1]

    learner = browser_contexts().new_page()
    learner.goto(path)
    expect(learner.locator('input[name="email"]')).to_have_value("lucia.fernandez@example.org")
    expect(learner.locator('input[name="name"]')).to_have_value("Lucía Fernández")
    learner.fill('input[name="password"]', "mi-clave-segura")
    learner.fill('input[name="confirm"]', "mi-clave-segura")
    learner.click("main form button[type=submit]")
    expect(learner.locator(".module-card").first).to_be_visible()  # the course home

    page.goto(f"/manage/cohorts/{cohort.id}/invitations")
    expect(page.locator("main table")).to_contain_text("aceptada")
