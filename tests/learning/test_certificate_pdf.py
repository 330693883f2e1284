"""The certificate as a PDF: layout facts, fonts, its QR code, and who may download it.

Reading the PDF back needs poppler-utils (pdftotext, pdftoppm, pdffonts) and the QR code needs
zbar-tools (zbarimg); those tests skip without them, and fail with LMS_REQUIRE_BROWSER set.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from lms.cohorts import services as cohorts
from lms.db import db_session
from lms.learning.certificate_pdf import (
    CertificateFacts,
    CertificateFactsInvalid,
    CertificateLabels,
    UnprintableCharacters,
    render_certificate_pdf,
)
from lms.learning.services import new_certificate_code
from lms.models import Certificate, Cohort, Role, User

ROOT = Path(__file__).resolve().parents[2]
ENGLISH = CertificateLabels(
    title="Certificate of completion",
    certifies="This certifies that",
    completed="completed the online pre-course modules of the",
    issued_on="Issued on",
    code="Verification code",
    verify_at="Anyone can check it at",
)
NAMES = [
    "José Núñez",
    "Maria da Conceição",
    "Łukasz Żółć",
    "Nguyễn Thị Ánh",
    "Ελένη Παπαδοπούλου",
    "María Fernanda de los Ángeles Rodríguez Hernández de Castillo y Santísima Trinidad",
]


def sample(**changes: Any) -> CertificateFacts:
    """A certificate in English; `changes` replace any of its facts."""
    facts = CertificateFacts(
        name="José Núñez",
        course_title="Inter-American Course on International Migration",
        completed_on=date(2025, 3, 12),
        code="K7QM-2XWP-9RTD",
        verify_url="https://lms.example.org/learn/verify/K7QM-2XWP-9RTD",
        language="en",
        labels=ENGLISH,
    )
    return replace(facts, **changes)


def require_tool(name: str, package: str) -> str:
    """The tool's path; skip (fail with LMS_REQUIRE_BROWSER set) when it is not installed."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} not found: install Debian's {package} (apt-get install {package})"
        if os.environ.get("LMS_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def run(tool: str, package: str, *args: str) -> str:
    """Run a command-line tool and return what it printed."""
    command = [require_tool(tool, package), *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text as poppler extracts it, lines joined by single spaces."""
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return " ".join(run("pdftotext", "poppler-utils", str(path), "-").split())


def qr_codes(pdf: bytes, tmp_path: Path) -> list[str]:
    """What the QR codes on the page say, read from the page rendered at 150 dpi."""
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    page = tmp_path / "page"
    run("pdftoppm", "poppler-utils", "-r", "150", "-png", "-singlefile", str(path), str(page))
    found = run("zbarimg", "zbar-tools", "--quiet", "--raw", f"{page}.png")
    return found.splitlines()


# Pure: facts in, bytes out.


def test_one_a4_landscape_page_of_pdf() -> None:
    pdf = render_certificate_pdf(sample())
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type /Page\s", pdf)) == 1 and b"/Count 1" in pdf
    assert b"/MediaBox [0 0 841.89 595.28]" in pdf  # A4 turned on its side, in points


def test_the_same_facts_give_the_same_bytes_in_another_process() -> None:
    here = render_certificate_pdf(sample())
    assert render_certificate_pdf(sample()) == here
    script = (
        "import sys; from tests.learning.test_certificate_pdf import sample;"
        "from lms.learning.certificate_pdf import render_certificate_pdf;"
        "sys.stdout.buffer.write(render_certificate_pdf(sample()))"
    )
    # Another hash seed: no set or dict order may leak into the font subset or the layout.
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    there = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True
    ).stdout
    assert hashlib.sha256(there).hexdigest() == hashlib.sha256(here).hexdigest()


def test_the_pdf_is_dated_by_the_completion_not_by_the_clock() -> None:
    pdf = render_certificate_pdf(sample(completed_on=date(2024, 11, 5)))
    assert b"/CreationDate (D:20241105000000Z)" in pdf


def test_other_facts_give_other_bytes() -> None:
    assert render_certificate_pdf(sample()) != render_certificate_pdf(sample(code="AAAA-BBBB-CCCC"))


def test_a_unicode_font_is_embedded_not_a_latin_1_core_font() -> None:
    pdf = render_certificate_pdf(sample(name="Łukasz Żółć"))
    assert b"/FontFile2" in pdf and b"DejaVuSerif" in pdf
    assert b"Helvetica" not in pdf and b"Times-Roman" not in pdf


@pytest.mark.parametrize("name", NAMES)
def test_every_letter_of_the_name_prints(name: str, tmp_path: Path) -> None:
    assert name in pdf_text(render_certificate_pdf(sample(name=name)), tmp_path)


def test_decomposed_accents_print_composed(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Conceição Nguyễn")
    assert decomposed != "Conceição Nguyễn"
    text = pdf_text(render_certificate_pdf(sample(name=decomposed)), tmp_path)
    assert "Conceição Nguyễn" in unicodedata.normalize("NFC", text)


def test_fonts_are_embedded_subsets(tmp_path: Path) -> None:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(render_certificate_pdf(sample()))
    rows = run("pdffonts", "poppler-utils", str(path)).splitlines()[2:]
    assert len(rows) == 2
    for row in rows:
        assert "+DejaVuSerif" in row and re.search(r"\byes yes yes\b", row), row


@pytest.mark.parametrize(
    ("language", "date_text"),
    [("en", "March 12, 2025"), ("es", "12 de marzo de 2025"), ("pt", "12 de março de 2025")],
)
def test_the_date_is_written_out_in_the_certificates_language(
    language: str, date_text: str, tmp_path: Path
) -> None:
    assert date_text in pdf_text(render_certificate_pdf(sample(language=language)), tmp_path)


def test_every_label_and_fact_is_on_the_page(tmp_path: Path) -> None:
    text = pdf_text(render_certificate_pdf(sample()), tmp_path)
    for words in (*vars(ENGLISH).values(), "José Núñez", "K7QM-2XWP-9RTD", "2025"):
        assert words in text
    assert "Inter-American Course on International Migration" in text
    assert "https://lms.example.org/learn/verify/K7QM-2XWP-9RTD" in text


@pytest.mark.parametrize(
    "url",
    [
        "https://lms.example.org/learn/verify/K7QM-2XWP-9RTD",
        "https://cursos.migraciones.example.org/plataforma/interamericana/learn/verify/K7QM-2XWP-9RTD",
    ],
)
def test_the_qr_code_reads_as_the_verification_address(url: str, tmp_path: Path) -> None:
    assert qr_codes(render_certificate_pdf(sample(verify_url=url)), tmp_path) == [url]


def test_a_long_address_wraps_under_the_code_and_prints_whole(tmp_path: Path) -> None:
    url = "https://cursos.migraciones.example.org/plataforma/interamericana/learn/verify/K7QM-2XWP-9RTD"
    text = pdf_text(render_certificate_pdf(sample(verify_url=url)), tmp_path)
    assert url in text.replace(" ", "")


def test_letters_the_font_lacks_are_refused_by_name() -> None:
    with pytest.raises(UnprintableCharacters) as refused:
        render_certificate_pdf(sample(name="王芳 Wang"))
    assert refused.value.field == "name" and refused.value.characters == "王芳"
    assert "王, 芳" in str(refused.value)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"language": "fr"}, "language 'fr' has no certificate"),
        ({"name": "  "}, "name is empty"),
        ({"code": ""}, "code is empty"),
        ({"verify_url": ""}, "verify_url is empty"),
    ],
)
def test_facts_that_cannot_make_a_certificate(changes: dict[str, str], message: str) -> None:
    with pytest.raises(CertificateFactsInvalid, match=message):
        sample(**changes)


# Over HTTP: who may download which certificate.


@pytest.fixture
def issue(app: Flask, course_version: int) -> Callable[[User], str]:
    """Issue `user` a certificate dated 12 March 2025; returns its code."""

    def _issue(user: User) -> str:
        with app.app_context():
            code = new_certificate_code()
            db_session().add(
                Certificate(
                    user_id=user.id,
                    code=code,
                    version_id=course_version,
                    issued_at=datetime(2025, 3, 12, 15, 30, tzinfo=UTC),
                )
            )
            db_session().commit()
            return code

    return _issue


@pytest.fixture
def cohort_of(app: Flask, make_user: Callable[..., User]) -> Callable[..., tuple[Cohort, User]]:
    """A cohort run by a new instructor, with `members` enrolled; returns both."""

    def _cohort(*members: User) -> tuple[Cohort, User]:
        instructor = make_user(role=Role.INSTRUCTOR)
        with app.app_context():
            session = db_session()
            cohort = cohorts.create_cohort(session, "Edición 2025", created_by=instructor)
            for member in members:
                cohorts.enroll(session, session.get(User, member.id), cohort)
            session.commit()
            return cohort, instructor

    return _cohort


@pytest.fixture
def ana(make_user: Callable[..., User]) -> User:
    return make_user(email="ana@example.org", name="Ana Pérez")


def staff_url(user: User) -> str:
    return f"/manage/learners/{user.id}/certificate.pdf"


def assert_pdf_download(response: Any, filename: str) -> bytes:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert unquote(disposition.split("filename*=UTF-8''")[-1]) == filename
    assert response.data.startswith(b"%PDF-")
    return bytes(response.data)


def test_the_learner_downloads_their_own_certificate(
    client: FlaskClient, login: Any, ana: User, issue: Callable[[User], str], tmp_path: Path
) -> None:
    code = issue(ana)
    login(client, ana)
    pdf = assert_pdf_download(client.get("/learn/certificate.pdf"), "Certificado Ana Pérez.pdf")
    text = pdf_text(pdf, tmp_path)
    for words in ("Certificado de finalización", "Ana Pérez", "12 de marzo de 2025", code):
        assert words in text
    assert "Curso Interamericano sobre Migraciones Internacionales" in text
    assert qr_codes(pdf, tmp_path) == [f"http://localhost/learn/verify/{code}"]


def test_the_certificate_page_links_to_the_pdf(
    client: FlaskClient, login: Any, ana: User, issue: Callable[[User], str]
) -> None:
    issue(ana)
    login(client, ana)
    page = client.get("/learn/certificate").get_data(as_text=True)
    assert 'href="/learn/certificate.pdf"' in page


@pytest.mark.parametrize(
    ("ui_language", "content_language", "title", "filename"),
    [
        ("pt", "es", "Certificado de conclusão", "Certificado Ana Pérez.pdf"),
        ("es", "en", "Certificate of completion", "Certificate Ana Pérez.pdf"),
        ("en", "en", "Certificate of completion", "Certificate Ana Pérez.pdf"),
    ],
)
def test_the_certificate_speaks_the_learners_language(
    app: Flask,
    client: FlaskClient,
    login: Any,
    make_user: Callable[..., User],
    issue: Callable[[User], str],
    tmp_path: Path,
    ui_language: str,
    content_language: str,
    title: str,
    filename: str,
) -> None:
    learner = make_user(name="Ana Pérez", ui_language=ui_language)
    with app.app_context():
        db_session().execute(
            update(User).where(User.id == learner.id).values(content_language=content_language)
        )
        db_session().commit()
    issue(learner)
    login(client, learner)
    pdf = assert_pdf_download(client.get("/learn/certificate.pdf"), filename)
    assert title in pdf_text(pdf, tmp_path)


def test_no_certificate_no_pdf(
    client: FlaskClient, login: Any, ana: User, make_user: Callable[..., User], course_version: int
) -> None:
    login(client, ana)
    assert client.get("/learn/certificate.pdf").status_code == 404
    admin = make_user(role=Role.ADMIN)
    login(client, admin)
    assert client.get(staff_url(ana)).status_code == 404
    assert client.get("/manage/learners/999999/certificate.pdf").status_code == 404


def test_other_learners_get_only_their_own_and_never_the_staff_download(
    client: FlaskClient,
    login: Any,
    ana: User,
    make_user: Callable[..., User],
    issue: Callable[[User], str],
) -> None:
    issue(ana)
    login(client, make_user(name="Bruno"))
    assert client.get("/learn/certificate.pdf").status_code == 404
    assert client.get(staff_url(ana)).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(
    client: FlaskClient, ana: User, issue: Callable[[User], str]
) -> None:
    issue(ana)
    for url in ("/learn/certificate.pdf", staff_url(ana)):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.headers["Location"]


def test_the_instructor_of_the_learners_cohort_downloads_it(
    client: FlaskClient,
    login: Any,
    ana: User,
    issue: Callable[[User], str],
    cohort_of: Callable[..., tuple[Cohort, User]],
) -> None:
    issue(ana)
    _cohort, instructor = cohort_of(ana)
    login(client, instructor)
    assert_pdf_download(client.get(staff_url(ana)), "Certificado Ana Pérez.pdf")


def test_the_instructor_of_another_cohort_gets_nothing(
    client: FlaskClient,
    login: Any,
    ana: User,
    make_user: Callable[..., User],
    issue: Callable[[User], str],
    cohort_of: Callable[..., tuple[Cohort, User]],
) -> None:
    issue(ana)
    cohort_of(ana)
    _other, stranger = cohort_of(make_user(name="Bruno"))
    login(client, stranger)
    assert client.get(staff_url(ana)).status_code == 404


def test_an_administrator_downloads_anyones(
    client: FlaskClient,
    login: Any,
    ana: User,
    make_user: Callable[..., User],
    issue: Callable[[User], str],
) -> None:
    issue(ana)
    login(client, make_user(role=Role.ADMIN, ui_language="en"))
    # The learner's language, not the administrator's.
    assert_pdf_download(client.get(staff_url(ana)), "Certificado Ana Pérez.pdf")


def test_a_name_the_font_cannot_print_is_explained_not_printed_with_gaps(
    client: FlaskClient, login: Any, make_user: Callable[..., User], issue: Callable[[User], str]
) -> None:
    learner = make_user(name="王芳", ui_language="en")
    issue(learner)
    login(client, learner)
    response = client.get("/learn/certificate.pdf")
    assert response.status_code == 302 and response.headers["Location"] == "/learn/certificate"
    page = client.get("/learn/certificate").get_data(as_text=True)
    assert "王 芳" in page and "Latin letters" in page
