"""Media files cannot carry script: checked by content, served typed and sandboxed, uploads cleaned.

A file under a module's `media/` is served from the platform's own origin, so an HTML page or an
SVG drawing there would run with the session of whoever opens it. The checker (`lms check`, the
editor's preview and publishing) accepts PNG, JPEG, GIF and WebP only, recognised by their
bytes; every route that serves media refuses what the checker refuses, even when it reached the
database another way; and what is served is typed, `nosniff` and sandboxed.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image, PngImagePlugin

from lms.authoring import drafts
from lms.content.media import MEDIA_CSP, media_problem
from lms.courses.cache import course_cache
from lms.courses.exports import ExportRequest, build_export
from lms.courses.services import current_version
from lms.db import db_session
from lms.models import ContentFile, Role, User
from tests.content.helpers import problems_of, small_course, write_tree

FOLDER = "01-understanding-migration"
MODULE_URL = "/learn/understanding-migration"
EDITOR = "/manage/editor"


def picture(fmt: str) -> bytes:
    """A small real image in `fmt` (PNG, JPEG, GIF or WEBP)."""
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), "teal").save(buffer, fmt)
    return buffer.getvalue()


def png_with_text(text: str) -> bytes:
    """A valid PNG whose metadata chunk holds `text`."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text)
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), "teal").save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


SCRIPT = b"<script>fetch('/manage/users').then(r=>r.text()).then(alert)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
GOOD = {
    "map.png": picture("PNG"),
    "photo.jpg": picture("JPEG"),
    "photo2.jpeg": picture("JPEG"),
    "chart.gif": picture("GIF"),
    "drawing.webp": picture("WEBP"),
}
CONTENT_TYPES = {
    "map.png": "image/png",
    "photo.jpg": "image/jpeg",
    "photo2.jpeg": "image/jpeg",
    "chart.gif": "image/gif",
    "drawing.webp": "image/webp",
}
# name -> (bytes, what the checker's message must say)
EVIL: dict[str, tuple[bytes, str]] = {
    "evil.html": (b"<!doctype html><html><body>" + SCRIPT + b"</body></html>", "HTML or XML"),
    "evil.htm": (b"<html>" + SCRIPT, "HTML or XML"),
    "evil.svg": (SVG, "an SVG drawing (SVG can carry scripts"),
    "evil.svgz.png": (b"\xef\xbb\xbf  " + SVG, "an SVG drawing"),
    "png-named.html": (picture("PNG"), "holds a PNG file but its name has '.html'"),
    "jpeg-named.svg": (picture("JPEG"), "holds a JPEG file but its name has '.svg'"),
    "gif-without-extension": (picture("GIF"), "holds a GIF file but its name has no extension"),
    "html-named.png": (b"<html><body>" + SCRIPT + b"</body></html>", "HTML or XML markup"),
    "svg-named.gif": (SVG, "an SVG drawing"),
    "polyglot.gif": (picture("GIF") + SCRIPT, "also holds web page markup ('<script>'"),
    "header-polyglot.gif": (b"GIF89a" + SCRIPT, "also holds web page markup ('<script>'"),
    "png-text-polyglot.png": (
        png_with_text("<svg/onload=alert(1)>"),
        "also holds web page markup ('<svg/onload=' at byte",
    ),
    "jpeg-javascript.jpg": (
        picture("JPEG") + b"javascript:alert(1)",
        "also holds web page markup ('javascript:'",
    ),
    "webp-iframe.webp": (
        picture("WEBP") + b"<IFRAME src=//evil.example>",
        "also holds web page markup ('<IFRAME' at byte",
    ),
    "doc.pdf": (b"%PDF-1.7\n<</JS (app.alert(1))>>", "a PDF document"),
    "archive.zip": (b"PK\x03\x04" + b"\0" * 40, "a ZIP archive"),
    "script.js": (b"alert(document.cookie)", "of an unknown type"),
    "empty.png": (b"", "empty"),
}


def course_with_media(media: dict[str, bytes]) -> dict[str, bytes]:
    files = small_course()
    files.update({f"{FOLDER}/media/{name}": data for name, data in media.items()})
    return files


# `lms check`: the checker API and the command


def test_the_checker_refuses_every_file_that_is_not_an_accepted_image_and_says_why() -> None:
    problems = problems_of(course_with_media({n: data for n, (data, _) in EVIL.items()}))
    assert len(problems) == len(EVIL)
    for name, (_, message) in EVIL.items():
        found = [p for p in problems if p.startswith(f"modules/{FOLDER}/media/{name}:1: ")]
        assert len(found) == 1, (name, problems)
        assert message in found[0], (name, found[0])
        # Every message says what to do about the file.
        assert any(word in found[0] for word in ("export", "rename", "remove")), found[0]


def test_the_checker_accepts_real_images_under_their_own_extensions() -> None:
    assert problems_of(course_with_media(GOOD)) == []
    for name, data in GOOD.items():
        assert media_problem(name.upper(), data) is None  # `.PNG` is a PNG too


def test_lms_check_reports_each_refused_media_file_and_fails(app: Flask, tmp_path: Path) -> None:
    root = write_tree(course_with_media({n: data for n, (data, _) in EVIL.items()}), tmp_path)
    result = app.test_cli_runner().invoke(args=["check", str(root)])
    assert result.exit_code == 1
    for name, (_, message) in EVIL.items():
        line = next(x for x in result.output.splitlines() if f"/media/{name}:1: " in x)
        assert message in line
    clean = write_tree(course_with_media(GOOD), tmp_path / "clean")
    assert app.test_cli_runner().invoke(args=["check", str(clean)]).exit_code == 0


def test_publishing_refuses_a_course_whose_media_the_checker_refuses(
    publish_course: Callable[..., int],
) -> None:
    from lms.content.problems import ContentInvalid

    with pytest.raises(ContentInvalid) as refused:
        publish_course(course_with_media({"evil.svg": SVG}))
    assert "an SVG drawing" in str(refused.value.problems[0])


# Serving


@pytest.fixture
def learner(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
) -> FlaskClient:
    login(client, make_user(role=Role.LEARNER))
    return client


@pytest.fixture
def live_with_smuggled_media(app: Flask, publish_course: Callable[..., int]) -> int:
    """The course with good images published, then every refused file written into its version
    straight into the database (after the platform has loaded the version's course)."""
    version_id = publish_course(course_with_media(GOOD))
    with app.app_context():
        session = db_session()
        course_cache().get(session, version_id)
        session.add_all(
            ContentFile(version_id=version_id, path=f"{FOLDER}/media/{name}", data=data)
            for name, (data, _) in EVIL.items()
        )
        session.commit()
    return version_id


def assert_safely_served(response: Any, mimetype: str) -> None:
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    policy = response.headers["Content-Security-Policy"]
    assert policy == MEDIA_CSP
    directives = [d.strip() for d in policy.split(";")]
    assert "sandbox" in directives and "default-src 'none'" in directives
    assert "Content-Disposition" not in response.headers  # images are shown, not downloaded


@pytest.mark.parametrize("name", sorted(GOOD))
def test_a_learner_gets_each_image_typed_by_content_nosniff_and_sandboxed(
    learner: FlaskClient, live_with_smuggled_media: int, name: str
) -> None:
    response = learner.get(f"{MODULE_URL}/media/{name}")
    assert_safely_served(response, CONTENT_TYPES[name])
    assert response.data == GOOD[name]


@pytest.mark.parametrize("name", sorted(EVIL))
def test_a_file_that_bypassed_the_checker_is_never_served(
    learner: FlaskClient, live_with_smuggled_media: int, name: str
) -> None:
    response = learner.get(f"{MODULE_URL}/media/{name}")
    assert response.status_code == 404
    assert SCRIPT not in response.data and b"<svg" not in response.data


def test_the_editor_serves_draft_and_published_media_as_learners_get_them(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., Any],
    live_with_smuggled_media: int,
) -> None:
    author = make_user(role=Role.INSTRUCTOR, ui_language="en")
    login(client, author)
    with app.app_context():
        session = db_session()
        drafts.draft_files(session)  # the draft starts from the live version, smuggled files too
        drafts.create_file(session, f"{FOLDER}/media/draft-evil.png", SVG, author.id)
        drafts.create_file(session, f"{FOLDER}/media/draft-map.png", GOOD["map.png"], author.id)
        session.commit()
        number = current_version(session).number  # type: ignore[union-attr]
    draft = f"{EDITOR}/files/{FOLDER}/media"
    history = f"{EDITOR}/history/{number}/files/{FOLDER}/media"
    assert_safely_served(client.get(f"{draft}/draft-map.png"), "image/png")
    for base in (draft, history):
        assert_safely_served(client.get(f"{base}/map.png"), "image/png")
        assert_safely_served(client.get(f"{base}/chart.gif"), "image/gif")
        for name in EVIL:
            assert client.get(f"{base}/{name}").status_code == 404, (base, name)
    assert client.get(f"{draft}/draft-evil.png").status_code == 404


def test_exports_carry_only_the_media_the_checker_accepts(
    app: Flask, live_with_smuggled_media: int
) -> None:
    with app.app_context():
        session = db_session()
        module = "understanding-migration"
        for kind in ("scorm12", "scorm2004"):
            package = build_export(
                session, ExportRequest(live_with_smuggled_media, kind, "en", module)
            )
            names = set(zipfile.ZipFile(io.BytesIO(package.data)).namelist())
            media = {n.rpartition("/")[2] for n in names if "/media/" in n}
            assert media == set(GOOD), kind
            whole = build_export(
                session, ExportRequest(live_with_smuggled_media, kind, "en", "course")
            )
            names = set(zipfile.ZipFile(io.BytesIO(whole.data)).namelist())
            assert {n.rpartition("/")[2] for n in names if "/media/" in n} == set(GOOD), kind


# Uploads from the editor


def upload(client: FlaskClient, data: bytes, name: str) -> Any:
    return client.post(
        f"{EDITOR}/modules/{FOLDER}/media",
        data={"image": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )



@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (SVG, "logo.svg", "is an SVG drawing. SVG files can carry scripts"),
        (SVG, "logo.png", "is an SVG drawing. SVG files can carry scripts"),
        (b"<!DOCTYPE html><html>" + SCRIPT, "page.png", "looks like a web page (HTML)"),
        (b"<html><body>" + SCRIPT, "page.html", "looks like a web page (HTML)"),
        (b"GIF89a" + SCRIPT, "header-only.gif", "looks like a GIF image but is damaged"),
    ],
    ids=["svg", "svg-named-png", "html-named-png", "html", "gif-header-and-script"],
)
def test_the_editor_refuses_drawings_and_pages_with_a_message_that_says_why(
    app: Flask, editor: FlaskClient, data: bytes, name: str, message: str
) -> None:
    response = upload(editor, data, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True).replace("&#34;", '"')
    with app.app_context():
        stored = drafts.draft_files(db_session())
    assert not any(data == kept for kept in stored.values())


@pytest.mark.parametrize(
    "data",
    [picture("GIF") + SCRIPT, png_with_text("<svg onload=alert(1)>")],
    ids=["gif-with-script-after", "png-with-svg-metadata"],
)
def test_an_upload_that_hides_markup_is_stored_as_pixels_only(
    app: Flask, editor: FlaskClient, data: bytes
) -> None:
    response = upload(editor, data, "hidden.png" if data.startswith(b"\x89PNG") else "hidden.gif")
    assert response.status_code == 200
    with app.app_context():
        stored = {
            path: kept
            for path, kept in drafts.draft_files(db_session()).items()
            if "/media/hidden-" in path
        }
    assert len(stored) == 1
    ((path, kept),) = stored.items()
    assert b"<script" not in kept and b"<svg" not in kept
    assert media_problem(path, kept) is None
    served = editor.get(f"{EDITOR}/files/{path}")
    assert_safely_served(served, "image/gif" if path.endswith(".gif") else "image/png")
