"""Every page of accounts and cohorts: accessible structure and small size."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.cohorts import services
from lms.db import db_session
from lms.models import Role, User


class PageStructure(HTMLParser):
    """Collects what the checks below need from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.html_lang: str | None = None
        self.labels: set[str] = set()
        self.fields: list[str] = []
        self.headings: list[str] = []
        self.main = False
        self.skip_link = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.html_lang = attributes.get("lang")
        elif tag == "label" and attributes.get("for"):
            self.labels.add(attributes["for"] or "")
        elif tag in {"input", "select", "textarea"} and attributes.get("type") != "hidden":
            self.fields.append(attributes.get("id") or "<no id>")
        elif tag == "h1":
            self.headings.append(tag)
        elif tag == "main" and attributes.get("id") == "main":
            self.main = True
        elif tag == "a" and attributes.get("href") == "#main":
            self.skip_link = True


def _check(html: str) -> None:
    page = PageStructure()
    page.feed(html)
    assert page.html_lang in {"es", "en", "pt"}
    assert page.skip_link and page.main, "skip link to <main id=main>"
    assert len(page.headings) == 1, "exactly one h1"
    unlabelled = [field for field in page.fields if field not in page.labels]
    assert not unlabelled, f"fields without a label: {unlabelled}"
    assert len(html.encode()) < 20_000, "pages stay light for slow connections"


@pytest.fixture
def token(app: Flask) -> str:
    with app.app_context():
        cohort = services.create_cohort(db_session(), "39th edition")
        db_session().commit()
        return cohort.invite_token


@pytest.mark.parametrize("url", ["/login", "/join/{token}", "/join/unknown", "/nowhere"])
def test_public_pages(client: FlaskClient, token: str, url: str) -> None:
    _check(client.get(url.format(token=token)).get_data(as_text=True))


@pytest.mark.parametrize(
    "url",
    [
        "/account",
        "/account/password",
        "/manage",
        "/manage/cohorts",
        "/manage/cohorts/new",
        "/manage/users",
        "/join/{token}",
    ],
)
def test_admin_pages(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    token: str,
    url: str,
) -> None:
    login(client, make_user(role=Role.ADMIN))
    response = client.get(url.format(token=token))
    assert response.status_code == 200
    _check(response.get_data(as_text=True))


def test_cohort_page(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    login(client, make_user(role=Role.INSTRUCTOR))
    response = client.post("/manage/cohorts/new", data={"name": "Edition"})
    _check(client.get(response.headers["Location"]).get_data(as_text=True))


def test_forbidden_page(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    login(client, make_user())
    _check(client.get("/manage").get_data(as_text=True))
