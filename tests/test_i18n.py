"""Interface languages: choosing one, switching, localized pages and complete catalogs."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from lms.db import db_session
from lms.models import User

TRANSLATIONS = Path(__file__).parents[1] / "lms" / "translations"
ROOT = Path(__file__).parents[1]
NOT_FOUND = {"es": "Página no encontrada", "en": "Page not found", "pt": "Página não encontrada"}


def _language_of(response: Any) -> str:
    page: str = response.get_data(as_text=True)
    start = page.index('<html lang="') + len('<html lang="')
    return page[start : start + 2]


def _stored(app: Flask, user: User) -> User:
    with app.app_context():
        found = db_session().get(User, user.id)
        assert found is not None
        return found


@pytest.mark.parametrize("language", ["es", "en", "pt"])
def test_404_page_is_localized(client: FlaskClient, language: str) -> None:
    response = client.get("/no/such/page", headers={"Accept-Language": language})
    assert response.status_code == 404
    assert NOT_FOUND[language] in response.get_data(as_text=True)
    assert _language_of(response) == language


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("pt-BR,pt;q=0.9,en;q=0.8", "pt"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR,fr;q=0.9", "es"),
        ("de,en;q=0.5", "en"),
        ("", "es"),
    ],
)
def test_browser_language_is_used_for_visitors(
    client: FlaskClient, header: str, expected: str
) -> None:
    assert _language_of(client.get("/login", headers={"Accept-Language": header})) == expected


def test_cookie_beats_browser_language(client: FlaskClient) -> None:
    client.set_cookie("lang", "pt")
    assert _language_of(client.get("/login", headers={"Accept-Language": "en"})) == "pt"


def test_unknown_cookie_value_is_ignored(client: FlaskClient) -> None:
    client.set_cookie("lang", "xx")
    assert _language_of(client.get("/login", headers={"Accept-Language": "en"})) == "en"


def test_account_language_beats_cookie(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    login(client, make_user(ui_language="en"))
    client.set_cookie("lang", "pt")
    assert _language_of(client.get("/account", headers={"Accept-Language": "es"})) == "en"


def test_visitor_switch_sets_the_cookie_and_goes_back(client: FlaskClient) -> None:
    response = client.post("/language", data={"language": "pt", "next": "/login?x=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?x=1"
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("lang="))
    assert "lang=pt" in header
    assert "SameSite=Lax" in header
    assert _language_of(client.get("/login")) == "pt"


def test_switch_refuses_to_leave_the_site(client: FlaskClient) -> None:
    response = client.post("/language", data={"language": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/learn/"


def test_switch_refuses_unknown_languages(client: FlaskClient) -> None:
    assert client.post("/language", data={"language": "xx"}).status_code == 400
    assert client.get("/language").status_code == 405


def test_signed_in_switch_is_saved_and_content_follows(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    user = make_user(ui_language="es")
    login(client, user)
    client.post("/language", data={"language": "en", "next": "/account"})
    stored = _stored(app, user)
    assert (stored.ui_language, stored.content_language) == ("en", "en")
    client.post("/language", data={"language": "pt", "next": "/account"})
    stored = _stored(app, user)
    assert (stored.ui_language, stored.content_language) == ("pt", "es")

    # The choice survives signing out and in on another browser.
    other = app.test_client()
    login(other, user)
    assert _language_of(other.get("/account", headers={"Accept-Language": "es"})) == "pt"


def test_chosen_content_language_is_kept_when_switching(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    user = make_user(ui_language="es")
    login(client, user)
    response = client.post("/account", data={"ui_language": "pt", "content_language": "en"})
    assert response.headers["Location"] == "/account"
    stored = _stored(app, user)
    assert (stored.ui_language, stored.content_language, stored.content_language_chosen) == (
        "pt",
        "en",
        True,
    )
    client.post("/language", data={"language": "es"})
    stored = _stored(app, user)
    assert (stored.ui_language, stored.content_language) == ("es", "en")

    # Choosing "same as the interface" again lets content follow.
    client.post("/account", data={"ui_language": "en", "content_language": "auto"})
    stored = _stored(app, user)
    assert (stored.content_language, stored.content_language_chosen) == ("en", False)


def test_account_page_offers_both_languages(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    login(client, make_user(ui_language="en"))
    page = client.get("/account").get_data(as_text=True)
    assert '<label for="ui_language">Interface language</label>' in page
    assert '<label for="content_language">Course content language</label>' in page
    assert '<option lang="pt" value="pt">Português</option>' in page


def test_account_rejects_unknown_languages(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> None:
    login(client, make_user())
    response = client.post("/account", data={"ui_language": "pt", "content_language": "pt"})
    assert response.status_code == 422


def _catalog(language: str) -> Any:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=language)


@pytest.mark.parametrize("language", ["es", "pt"])
def test_every_message_is_translated(language: str) -> None:
    catalog = _catalog(language)
    missing = [
        m.id
        for m in catalog
        if m.id and not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not missing, f"untranslated in {language}: {missing}"
    assert not fuzzy, f"fuzzy (unchecked) in {language}: {fuzzy}"


@pytest.mark.parametrize("language", ["es", "pt", "en"])
def test_compiled_catalogs_match_the_po_files(language: str) -> None:
    catalog = _catalog(language)
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo").open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    expected = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    for message_id, string in expected.items():
        if isinstance(message_id, tuple):
            assert compiled.ngettext(message_id[0], message_id[1], 1) == string[0]
        else:
            assert compiled.gettext(message_id) == string, (
                f"{language}/messages.mo is out of date: run "
                "`pybabel compile -d lms/translations` (see docs/development.md)"
            )
    assert len(compiled._catalog) - 1 == sum(  # type: ignore[attr-defined]
        len(s) if isinstance(s, list | tuple) else 1 for s in expected.values()
    ), f"{language}/messages.mo has messages the .po file does not"


def test_catalogs_hold_every_message_in_the_code() -> None:
    method_map = [("lms/**.py", "python"), ("lms/templates/**.html", "jinja2")]
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "lazy_gettext": None,
        "_l": None,
        "N_": None,
    }
    found = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, keywords=keywords
        )
    }
    for language in ("es", "pt", "en"):
        catalog_ids = {
            m.id if isinstance(m.id, str) else m.id[0] for m in _catalog(language) if m.id
        }
        missing = sorted(found - catalog_ids)
        assert not missing, (
            f"lms/translations/{language} lacks {len(missing)} message(s) from the code, e.g. "
            f"{missing[:5]}. Extract and update the catalogs (docs/development.md)."
        )
