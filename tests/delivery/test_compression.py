"""Compressed responses: brotli or gzip for text, nothing for compressed types or tiny bodies."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable, Iterator
from typing import Any

import brotli
import pytest
from flask import Flask, Response, send_from_directory
from flask.testing import FlaskClient
from sqlalchemy import insert, select

from lms.cohorts import services as cohorts
from lms.db import db_session
from lms.models import Enrollment, QuizAttempt, Role, User
from lms.models.types import utcnow
from lms.reports import views as report_views
from tests.delivery.helpers import BROTLI, GZIP, LESSON, decoded

TEXT = b"Migration is the movement of people across borders. " * 100  # 5.3 kB, compressible


@pytest.fixture
def learner(client: FlaskClient, make_user: Any, login: Any, course_version: int) -> FlaskClient:
    login(client, make_user(ui_language="en"))
    client.get(LESSON)  # the session's form secret is made here; pages repeat from now on
    return client


@pytest.mark.parametrize(
    ("accept", "coding"),
    [
        ("gzip, deflate, br, zstd", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("", None),
        ("identity", None),
    ],
)
def test_pages_are_compressed_as_the_browser_accepts(
    learner: FlaskClient, accept: str, coding: str | None
) -> None:
    plain = learner.get(LESSON)
    response = learner.get(LESSON, headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == coding
    assert "Accept-Encoding" in response.headers["Vary"]
    # Same session, same form-token window: the very same page, whatever the coding.
    assert decoded(response) == plain.get_data()
    if coding:
        assert len(response.get_data()) < len(plain.get_data()) / 2


def test_static_style_sheets_and_scripts_are_compressed_with_brotli(learner: FlaskClient) -> None:
    for name in ("lms.css", "knowledge-check.js", "editor/editor.js"):
        response = learner.get(f"/static/{name}", headers=BROTLI)
        assert response.headers["Content-Encoding"] == "br", name
        assert decoded(response) == learner.get(f"/static/{name}").get_data(), name


@pytest.fixture
def probe(app: Flask) -> FlaskClient:
    """A route that answers `body` bytes of any content type, to test the policy per type."""

    def answer(kind: str, size: int) -> Response:
        mimetype = kind.replace("~", "/")
        return Response(TEXT[:size], mimetype=mimetype)

    app.add_url_rule("/probe/<kind>/<int:size>", "probe", answer)
    return app.test_client()


@pytest.mark.parametrize(
    "mimetype",
    [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "image/svg+xml",
        "text/csv",
    ],
)
def test_every_text_type_is_compressed(probe: FlaskClient, mimetype: str) -> None:
    response = probe.get(f"/probe/{mimetype.replace('/', '~')}/5000", headers=BROTLI)
    assert response.headers["Content-Encoding"] == "br"
    assert decoded(response) == TEXT[:5000]


@pytest.mark.parametrize(
    "mimetype",
    [
        "image/png",
        "image/jpeg",
        "image/webp",
        "application/zip",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ],
)
def test_compressed_types_are_sent_as_they_are(probe: FlaskClient, mimetype: str) -> None:
    response = probe.get(f"/probe/{mimetype.replace('/', '~')}/5000", headers=BROTLI)
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == TEXT[:5000]


def test_tiny_bodies_are_sent_as_they_are(probe: FlaskClient) -> None:
    small = probe.get("/probe/text~html/400", headers=BROTLI)
    assert "Content-Encoding" not in small.headers
    assert probe.get("/probe/text~html/600", headers=BROTLI).headers["Content-Encoding"] == "br"


def test_a_streamed_file_with_an_etag_is_compressed_and_revalidated(app: Flask) -> None:
    """As the offline worker's script is sent: send_file, streamed, with its own ETag."""
    assert app.static_folder is not None
    folder = app.static_folder
    app.add_url_rule("/streamed.css", "streamed", lambda: send_from_directory(folder, "lms.css"))
    client = app.test_client()
    plain = client.get("/streamed.css")
    first = client.get("/streamed.css", headers=BROTLI)
    assert first.headers["Content-Encoding"] == "br"
    assert decoded(first) == plain.get_data()
    assert first.headers["ETag"] == plain.headers["ETag"][:-1] + ':br"'
    again = client.get("/streamed.css", headers={**BROTLI, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""


def brotli_window_bits(stream: bytes) -> int:
    """The window size a brotli stream declares in its first bits (RFC 7932, section 9.1)."""
    first = stream[0]
    if not first & 1:
        return 16
    if (n := (first >> 1) & 0b111) != 0:
        return 17 + n
    raise AssertionError("a window below 2^16: not one this platform chooses")


def test_streamed_and_whole_bodies_use_the_configured_window(app: Flask) -> None:
    """A small window: no encoder keeps megabytes of buffers per thread (compression.py)."""
    assert app.static_folder is not None
    folder = app.static_folder
    app.add_url_rule("/streamed.css", "streamed", lambda: send_from_directory(folder, "lms.css"))
    app.add_url_rule("/whole.txt", "whole", lambda: Response(TEXT, mimetype="text/plain"))
    client = app.test_client()
    window = app.config["COMPRESS_BR_WINDOW"]
    assert window == 18
    for path in ("/streamed.css", "/whole.txt"):
        response = client.get(path, headers=BROTLI)
        assert response.headers["Content-Encoding"] == "br", path
        assert brotli_window_bits(response.get_data()) == window, path


# --- Spreadsheet exports -----------------------------------------------------------------

MODULE = "understanding-migration"


@pytest.fixture
def large_cohort(
    app: Flask, make_user: Callable[..., User], login: Any, client: FlaskClient, course_version: int
) -> tuple[FlaskClient, int]:
    """A cohort with 300 learners of 8 attempts each (4,800 answer rows, about 600 kB of CSV)."""
    runner = make_user(role=Role.INSTRUCTOR, ui_language="en")
    with app.app_context():
        session = db_session()
        cohort = cohorts.create_cohort(session, "Edición 2027", created_by=runner)
        now = utcnow()
        session.execute(
            insert(User),
            [
                {
                    "email": f"learner{n}@example.org",
                    "name": f"Learner Número {n}",
                    "password_hash": "x",
                    "role": Role.LEARNER,
                    "created_at": now,
                }
                for n in range(300)
            ],
        )
        ids = list(session.scalars(select(User.id).where(User.role == Role.LEARNER)))
        session.execute(
            insert(Enrollment),
            [{"user_id": i, "cohort_id": cohort.id, "enrolled_at": now} for i in ids],
        )
        session.execute(
            insert(QuizAttempt),
            [
                {
                    "user_id": user_id,
                    "module_slug": MODULE,
                    "number": number,
                    "submission_token": f"{user_id}-{number}",
                    "version_id": course_version,
                    "lang": "es",
                    "responses": {"m1-q1": str(1900 + number), "m1-q2": number % 2 == 0},
                    "scores": {"m1-q1": 0.0, "m1-q2": 1.0},
                    "score": 1.0,
                    "max_score": 2.0,
                    "percent": 50.0,
                    "passed": False,
                    "submitted_at": now,
                }
                for user_id in ids
                for number in range(1, 9)
            ],
        )
        session.commit()
        cohort_id = cohort.id
    login(client, runner)
    return client, cohort_id


def test_a_compressed_export_still_streams_and_decompresses_to_the_same_bytes(
    large_cohort: tuple[FlaskClient, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, cohort_id = large_cohort
    url = f"/manage/cohorts/{cohort_id}/responses.csv"
    original = report_views.csv_stream
    made: list[int] = []  # sizes of the CSV chunks the export has made so far

    def counted(header: Any, rows: Any) -> Iterator[bytes]:
        for chunk in original(header, rows):
            made.append(len(chunk))
            yield chunk

    monkeypatch.setattr(report_views, "csv_stream", counted)
    response = client.get(url, headers=BROTLI, buffered=False)
    assert response.is_streamed
    assert response.headers["Content-Encoding"] == "br"
    assert "Content-Length" not in response.headers
    assert response.headers["X-Accel-Buffering"] == "no", "nginx must pass each chunk on at once"
    pieces: list[bytes] = []
    made_when_received: list[int] = []
    for piece in response.response:  # type: ignore[union-attr]
        if piece:
            pieces.append(piece)
            made_when_received.append(len(made))
    response.close()
    assert len(made) >= 8, "the export should be several chunks long for this test"
    # Each chunk of CSV left, compressed, before the next one was made.
    assert made_when_received[: len(made)] == list(range(1, len(made) + 1))

    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers
    assert brotli.decompress(b"".join(pieces)) == plain.get_data()
    gzipped = client.get(url, headers=GZIP)
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gzipped.get_data()) == plain.get_data()
    rows = list(csv.reader(io.StringIO(plain.get_data().decode("utf-8-sig"))))
    assert len(rows) == 1 + 300 * 8 * 2


def test_excel_exports_are_not_compressed_again(large_cohort: tuple[FlaskClient, int]) -> None:
    client, cohort_id = large_cohort
    response = client.get(f"/manage/cohorts/{cohort_id}/grades.xlsx", headers=BROTLI)
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.get_data()[:2] == b"PK"


@pytest.mark.app_config(COMPRESS_REGISTER=False)
def test_compression_can_be_left_to_a_proxy(
    large_cohort: tuple[FlaskClient, int],
) -> None:
    client, cohort_id = large_cohort
    for url in ("/manage/cohorts", f"/manage/cohorts/{cohort_id}/responses.csv", "/static/lms.css"):
        response = client.get(url, headers=BROTLI)
        assert response.status_code == 200, url
        assert "Content-Encoding" not in response.headers, url
