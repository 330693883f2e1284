"""Static files under content-hashed names, cached for a year; plain names still work."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from lms.delivery import static_files
from lms.delivery.static_files import IMMUTABLE, hashed_name, manifest_of, without_hash
from tests.conftest import make_test_app
from tests.delivery.helpers import BROTLI, HASHED_STATIC, LESSON, decoded

STATIC = Path(__file__).resolve().parents[2] / "lms" / "static"


def sha(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def static_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="([^"]*/static/[^"]+)"', html)


def test_pages_link_every_static_file_by_its_content_hash(
    client: FlaskClient, make_user: Any, login: Any, course_version: int
) -> None:
    login(client, make_user(ui_language="en"))
    urls = static_urls(client.get(LESSON).get_data(as_text=True))
    plain = {re.sub(r"\.[0-9a-f]{12}\.", ".", url) for url in urls}
    assert plain >= {"/static/lms.css", "/static/learning.css", "/static/knowledge-check.js"}
    for url in urls:
        match = HASHED_STATIC.fullmatch(url)
        assert match, url
        assert match[2] == sha(f"{match[1]}{match[3]}"), url


def test_a_hashed_file_is_cached_for_a_year_as_immutable(client: FlaskClient) -> None:
    with client.application.test_request_context():
        url = url_for("static", filename="lms.css")
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.get_data() == (STATIC / "lms.css").read_bytes()
    assert response.mimetype == "text/css"


@pytest.mark.parametrize("name", ["editor/editor.js", "fonts/DejaVuSerif.ttf"])
def test_the_editor_script_and_the_fonts_have_hashed_names_too(
    client: FlaskClient, name: str
) -> None:
    with client.application.test_request_context():
        url = url_for("static", filename=name)
    stem, suffix = name.rsplit(".", 1)
    assert url == f"/static/{stem}.{sha(name)}.{suffix}"
    response = client.get(url, headers=BROTLI)
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert decoded(response) == (STATIC / name).read_bytes()


def test_the_editor_page_loads_its_script_by_hashed_name(
    client: FlaskClient, make_user: Any, login: Any, course_version: int
) -> None:
    login(client, make_user(role="admin", ui_language="en"))
    page = client.get("/manage/editor/files/01-understanding-migration/01-key-concepts.es.md")
    assert page.status_code == 200
    assert f"/static/editor/editor.{sha('editor/editor.js')}.js" in page.get_data(as_text=True)


def test_the_plain_name_still_works_with_a_short_cache_life(client: FlaskClient) -> None:
    response = client.get("/static/lms.css")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == f"public, max-age={static_files.SHORT_MAX_AGE}"
    assert response.get_data() == (STATIC / "lms.css").read_bytes()
    again = client.get("/static/lms.css", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_an_out_of_date_hash_gets_todays_file_for_a_short_while(client: FlaskClient) -> None:
    response = client.get("/static/lms.000000000000.css")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == f"public, max-age={static_files.SHORT_MAX_AGE}"
    assert response.get_data() == (STATIC / "lms.css").read_bytes()


@pytest.mark.parametrize(
    "url",
    ["/static/missing.css", "/static/missing.0123456789ab.css", "/static/../__init__.py"],
)
def test_unknown_files_are_not_found(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 404


def test_static_files_neither_read_nor_set_the_session(
    client: FlaskClient, make_user: Any, login: Any
) -> None:
    """No "Vary: Cookie": a sign-in or a message must not void the browser's copies."""
    login(client, make_user())
    with client.application.test_request_context():
        url = url_for("static", filename="lms.css")
    for response in (client.get(url, headers=BROTLI), client.get("/static/lms.css")):
        assert "Cookie" not in response.headers.get("Vary", "")
        assert "Set-Cookie" not in response.headers


def test_byte_ranges_are_not_served_so_a_compressed_body_is_whole(client: FlaskClient) -> None:
    with client.application.test_request_context():
        url = url_for("static", filename="lms.css")
    response = client.get(url, headers={**BROTLI, "Range": "bytes=0-99"})
    assert response.status_code == 200
    assert decoded(response) == (STATIC / "lms.css").read_bytes()


def test_debug_mode_keeps_plain_names_so_edits_show_on_reload(app: Flask) -> None:
    app.debug = True
    with app.test_request_context():
        assert url_for("static", filename="lms.css") == "/static/lms.css"


def test_names_are_hashed_once_per_process_not_per_request_or_app(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    digested: list[Path] = []
    real_digest: Callable[[Path], str] = static_files.file_digest

    def counting(path: Path) -> str:
        digested.append(path)
        return real_digest(path)

    manifest_of.cache_clear()
    monkeypatch.setattr(static_files, "file_digest", counting)
    try:
        for number in range(2):
            app = make_test_app(tmp_path / f"app{number}", database_url)
            client = app.test_client()
            for _ in range(3):
                client.get("/login")
                client.get("/static/lms.css")
        files = [path for path in STATIC.rglob("*") if path.is_file()]
        assert sorted(digested) == sorted(files)
    finally:
        manifest_of.cache_clear()


def test_a_changed_file_gets_a_new_name(tmp_path: Path) -> None:
    for version, text in enumerate(("body { color: black }", "body { color: navy }")):
        folder = tmp_path / str(version)
        folder.mkdir()
        (folder / "site.css").write_text(text)
        digest = hashlib.sha256(text.encode()).hexdigest()
        assert manifest_of(str(folder)).hashed_name("site.css") == f"site.{digest[:12]}.css"
    names = {manifest_of(str(tmp_path / v)).hashed_name("site.css") for v in ("0", "1")}
    assert len(names) == 2


def test_hashed_names_and_back() -> None:
    digest = "ab" * 32
    assert hashed_name("editor/editor.js", digest) == "editor/editor.abababababab.js"
    assert hashed_name("LICENSE", digest) == "LICENSE.abababababab"
    assert without_hash("editor/editor.abababababab.js") == "editor/editor.js"
    assert without_hash("LICENSE.abababababab") == "LICENSE"
    assert without_hash("editor/editor.js") is None
    assert without_hash("lms.ABABABABABAB.css") is None
