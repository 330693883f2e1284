"""Uploading images in the editor: checked by content, cleaned, published and exported."""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image, PngImagePlugin

from lms.authoring import drafts
from lms.courses.exports import ExportRequest, build_export
from lms.courses.services import current_version, version_files
from lms.db import db_session
from lms.models import Role, User

FOLDER = "01-understanding-migration"
UPLOAD = f"/manage/editor/modules/{FOLDER}/media"


def png_with_text_chunk() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Secret Camera Owner")
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()



@pytest.fixture
def spanish_editor(
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    course_version: int,
) -> FlaskClient:
    """An instructor whose account is in Spanish, signed in from an English browser."""
    login(client, make_user(role=Role.INSTRUCTOR, ui_language="es"))
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # the account's language wins
    return client


def _upload(client: FlaskClient, data: bytes, name: str) -> Any:
    return client.post(
        UPLOAD, data={"image": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def _stored_map(client: FlaskClient) -> str:
    """Upload a small map; returns its path in the module as the page gives it to paste."""
    page = _upload(client, png_with_text_chunk(), "map.png").get_data(as_text=True)
    media = re.search(r"!\[\]\((media/[a-z0-9-]+\.png)\)", page)
    assert media, "the page gives the Markdown to paste"
    return media.group(1)


def test_an_image_is_stored_cleaned_under_a_generated_name_and_served_safely(
    editor: FlaskClient,
) -> None:
    response = _upload(editor, png_with_text_chunk(), "Mapa de rutas.PNG")
    assert response.status_code == 200
    stored = re.search(
        r"!\[\]\((media/mapa-de-rutas-[0-9a-f]{8}\.png)\)", response.get_data(as_text=True)
    )
    assert stored, "the page gives the Markdown to paste"
    served = editor.get(f"/manage/editor/files/{FOLDER}/{stored.group(1)}")
    assert served.status_code == 200
    assert served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert b"Secret Camera Owner" not in served.data
    assert Image.open(io.BytesIO(served.data)).size == (40, 30)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"<html><body>hello</body></html>", "photo.png", "not an image"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.png",
            "SVG",
        ),
        (b"", "empty.jpg", "empty"),
    ],
)
def test_files_that_are_not_accepted_images_are_refused_with_a_reason(
    editor: FlaskClient, data: bytes, name: str, message: str
) -> None:
    response = _upload(editor, data, name)
    assert response.status_code in (400, 422)
    assert message.lower() in response.get_data(as_text=True).lower()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            b"",
            "vacía.jpg",
            "“vacía.jpg” está vacío. Elija de nuevo el archivo de imagen y vuelva a subirlo.",
        ),
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
            "mapa.png",
            "“mapa.png” no es una imagen (PNG, JPEG, GIF o WebP), aunque su nombre lo sugiera; "
            "parece un documento PDF. Exporte la imagen como PNG o JPEG y suba ese archivo.",
        ),
    ],
    ids=["empty", "pdf"],
)
def test_a_spanish_speaking_instructor_reads_why_an_image_is_refused_in_spanish(
    spanish_editor: FlaskClient, data: bytes, name: str, message: str
) -> None:
    response = _upload(spanish_editor, data, name)
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert message in page
    assert "not an image" not in page and "is empty" not in page


@pytest.mark.app_config(LMS_MEDIA_MAX_BYTES=1500)
def test_sizes_in_a_spanish_refusal_keep_their_figures(spanish_editor: FlaskClient) -> None:
    response = _upload(spanish_editor, b"\x89PNG\r\n\x1a\n" + b"\0" * 2000, "plano.png")
    assert response.status_code == 413
    assert "“plano.png” pesa 1.5 kB; las imágenes pueden pesar como máximo 1.4 kB." in (
        html.unescape(response.get_data(as_text=True))
    )


@pytest.mark.app_config(LMS_MEDIA_MAX_BYTES=1000)
def test_an_oversized_upload_is_refused_before_it_is_stored(editor: FlaskClient) -> None:
    buffer = io.BytesIO()
    Image.effect_noise((200, 200), 80).convert("RGB").save(buffer, "PNG")
    response = _upload(editor, buffer.getvalue(), "noise.png")
    assert response.status_code == 413
    assert "MB" in response.get_data(as_text=True) or "kB" in response.get_data(as_text=True)


def test_a_published_image_ships_in_the_export_and_the_scorm_package(
    app: Flask, editor: FlaskClient
) -> None:
    media = _stored_map(editor)
    for lang, alt in (("es", "Mapa de rutas"), ("en", "Map of routes")):
        path = f"{FOLDER}/01-key-concepts.{lang}.md"
        with app.app_context():
            text = bytes(drafts.get_file(db_session(), path).data).decode()
        text = text.replace("\n## ", f"\n![{alt}]({media})\n\n## ", 1)
        saved = editor.post("/manage/editor/save", json={"path": path, "text": text, "revision": 0})
        assert saved.status_code == 200
    assert editor.post("/manage/editor/publish", data={"message": "map"}).status_code == 302
    with app.app_context():
        session = db_session()
        live = current_version(session)
        assert live is not None and live.number == 2
        assert f"{FOLDER}/{media}" in version_files(session, live.id)
        package = build_export(
            session, ExportRequest(live.id, "scorm12", "en", "understanding-migration")
        )
    names = zipfile.ZipFile(io.BytesIO(package.data)).namelist()
    assert f"{FOLDER}/{media}" in names


def test_an_image_without_alt_text_keeps_the_draft_from_publishing(
    app: Flask, editor: FlaskClient
) -> None:
    media = _stored_map(editor)
    path = f"{FOLDER}/01-key-concepts.en.md"
    preview = editor.post(
        "/manage/editor/preview",
        json={"path": path, "text": f"---\ntitle: T\n---\n\n![]({media})\n"},
    )
    assert any("alt text" in p["message"] for p in preview.get_json()["problems"])


@pytest.mark.app_config(
    LMS_MEDIA_MAX_BYTES=1000, LMS_EDITOR_MAX_FILE_BYTES=100, WTF_CSRF_ENABLED=True
)
def test_a_body_over_the_request_limit_is_refused_unread_with_a_page_that_says_why(
    editor: FlaskClient,
) -> None:
    # The upload's own limit (the image and the form around it), below the app-wide ceiling.
    limit = 1000 + 2**20
    assert editor.application.config["MAX_CONTENT_LENGTH"] > limit
    response = _upload(editor, b"\0" * (limit + 1), "huge.png")
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    api = editor.post(
        "/manage/editor/save", json={"path": "x", "text": "y" * (limit + 1), "revision": 0}
    )
    assert api.status_code == 413
    assert "MB" in api.get_json()["error"]
