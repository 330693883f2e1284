"""Downloading one's own data: everything about the person, as JSON or CSVs, and nobody else's."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.models import Role, User
from tests.accounts.helpers import Footprint, leave_footprint

FORMULA_NAME = '=HYPERLINK("http://evil.example","Ana")'


@pytest.fixture
def two_learners(
    app: Flask, make_user: Callable[..., User], course_version: int
) -> tuple[User, Footprint, User, Footprint]:
    """Ana (a name a spreadsheet would run) and Bruno, each with a record of every kind."""
    staff = make_user(role=Role.INSTRUCTOR, name="Instructor Irene")
    ana = make_user(email="ana@example.org", name=FORMULA_NAME, ui_language="en")
    bruno = make_user(email="bruno@example.org", name="Bruno Secret", ui_language="en")
    return (
        ana,
        leave_footprint(app, ana, staff, course_version, "ANA"),
        bruno,
        leave_footprint(app, bruno, staff, course_version, "BRUNO"),
    )


def _download(client: FlaskClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="my-data-')
    return response


def _bruno_traces(bruno: User, footprint: Footprint) -> list[str]:
    return [
        bruno.email,
        bruno.name,
        footprint.cohort,
        footprint.reason,
        footprint.certificate,
        footprint.institution,
        "quiz-BRUNO",
        "Welcome BRUNO",
        f'"user {bruno.id}',
    ]


def test_the_json_holds_everything_about_the_person_and_nothing_about_others(
    client: FlaskClient,
    login: Callable[..., Any],
    two_learners: tuple[User, Footprint, User, Footprint],
) -> None:
    ana, mine, bruno, theirs = two_learners
    login(client, ana)
    response = _download(client, "/account/data.json")
    assert response.mimetype == "application/json"
    body = response.get_data(as_text=True)
    data = json.loads(body)

    assert data["profile"]["email"] == "ana@example.org"
    assert data["profile"]["name"] == FORMULA_NAME
    assert [row["cohort"] for row in data["enrollments"]] == [mine.cohort]
    assert len(data["lesson_completions"]) == 1
    (check,) = data["knowledge_check_answers"]
    assert check["score"] == check["max_score"] > 0
    (attempt,) = data["quiz_attempts"]
    assert attempt["passed"] is True
    assert attempt["responses"] and set(attempt["responses"]) == set(attempt["scores"])
    assert data["extra_attempts"][0] == {
        **data["extra_attempts"][0],
        "extra": 2,
        "reason": mine.reason,
        "granted_by": "Instructor Irene",
    }
    assert data["deadline_extensions"][0]["cohort"] == mine.cohort
    assert [row["code"] for row in data["certificates"]] == [mine.certificate]
    assert data["place_in_course"]["lesson"]
    assert [row["institution"] for row in data["invitations"]] == [mine.institution]
    assert "Welcome ANA" in [row["subject"] for row in data["emails"]]
    # Her own sign-in (with the address it came from) is data about her too.
    assert [event["action"] for event in data["audit_events"]] == ["attempts.grant", "auth.sign_in"]
    assert data["audit_events"][0]["target"].startswith(f"user {ana.id} ")
    for trace in _bruno_traces(bruno, theirs):
        assert trace not in body, trace


def test_the_csv_zip_has_one_spreadsheet_per_kind_safe_to_open_and_nothing_about_others(
    client: FlaskClient,
    login: Callable[..., Any],
    two_learners: tuple[User, Footprint, User, Footprint],
) -> None:
    ana, mine, bruno, theirs = two_learners
    login(client, ana)
    response = _download(client, "/account/data.zip")
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = set(archive.namelist())
    assert {
        "profile.csv",
        "enrollments.csv",
        "lesson_completions.csv",
        "knowledge_check_answers.csv",
        "quiz_attempts.csv",
        "quiz_answers.csv",
        "extra_attempts.csv",
        "deadline_extensions.csv",
        "certificates.csv",
        "invitations.csv",
        "audit_events.csv",
    } <= names
    raw = {name: archive.read(name) for name in names}
    assert all(content.startswith("\ufeff".encode()) for content in raw.values())

    def table(name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(raw[name].decode("utf-8-sig"))))

    (profile,) = table("profile.csv")
    assert profile["name"] == "'" + FORMULA_NAME, "a formula is shown as text"
    assert profile["email"] == "ana@example.org"
    assert [row["cohort"] for row in table("enrollments.csv")] == [mine.cohort]
    (attempt,) = table("quiz_attempts.csv")
    answers = table("quiz_answers.csv")
    assert len(answers) == len(json.loads(attempt["responses"])) > 1
    assert {row["attempt"] for row in answers} == {"1"}
    assert table("email_change.csv") == [], "a kind with no record still has its header"
    assert raw["email_change.csv"].decode("utf-8-sig").startswith("new_email,requested_at")
    everything = b"".join(raw.values()).decode("utf-8")
    for trace in _bruno_traces(bruno, theirs):
        assert trace not in everything, trace


def test_each_person_gets_their_own_data_only(
    client: FlaskClient,
    login: Callable[..., Any],
    two_learners: tuple[User, Footprint, User, Footprint],
) -> None:
    _ana, _mine, bruno, theirs = two_learners
    login(client, bruno)
    data = json.loads(_download(client, "/account/data.json").get_data())
    assert data["profile"]["email"] == "bruno@example.org"
    assert [row["code"] for row in data["certificates"]] == [theirs.certificate]
    assert "ana@example.org" not in json.dumps(data)


def test_downloads_need_a_signed_in_person(client: FlaskClient) -> None:
    for url in ("/account/data.json", "/account/data.zip"):
        assert client.get(url).headers["Location"].startswith("/login"), url


def test_the_account_page_links_both_downloads(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    login(client, make_user(ui_language="en"))
    page = client.get("/account").get_data(as_text=True)
    assert 'href="/account/data.zip"' in page
    assert 'href="/account/data.json"' in page
