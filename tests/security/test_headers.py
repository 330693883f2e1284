"""Security headers: the content policy, HTTPS-only transport, who may keep a page, no banner."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, Response
from flask.testing import FlaskClient
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.serving import make_server

from lms.content.render import render_markdown
from lms.models import User
from lms.security import CONTENT_SECURITY_POLICY, HSTS, BannerlessRequestHandler

REPOSITORY = Path(__file__).resolve().parents[2]
TEMPLATES = REPOSITORY / "lms" / "templates"
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)
LESSON = "/learn/understanding-migration/key-concepts"


@pytest.fixture
def learner(
    client: FlaskClient, make_user: Callable[..., User], login: Any, course_version: int
) -> FlaskClient:
    login(client, make_user(ui_language="en"))
    return client


@pytest.fixture
def admin(
    client: FlaskClient, make_user: Callable[..., User], login: Any, course_version: int
) -> FlaskClient:
    login(client, make_user(role="admin", ui_language="en"))
    return client


def test_every_page_has_the_policy_without_inline_scripts_or_styles(client: FlaskClient) -> None:
    for path in ("/login", "/password/forgot", "/no-such-page"):
        policy = client.get(path).headers["Content-Security-Policy"]
        assert policy == POLICY, path
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "; ".join(f"{k} {v}" for k, v in CONTENT_SECURITY_POLICY.items()) == POLICY


def test_a_view_that_sets_its_own_policy_keeps_it(app: Flask) -> None:
    strict = "default-src 'none'; img-src 'self'; sandbox"

    @app.get("/own-policy")
    def own_policy() -> Response:
        return Response("x", headers={"Content-Security-Policy": strict})

    assert app.test_client().get("/own-policy").headers["Content-Security-Policy"] == strict


def test_the_editor_page_alone_allows_its_own_style_nonce(admin: FlaskClient) -> None:
    page = admin.get("/manage/editor/files/01-understanding-migration/01-key-concepts.es.md")
    assert page.status_code == 200
    policy = page.headers["Content-Security-Policy"]
    nonce = re.search(r"style-src 'self' 'nonce-([A-Za-z0-9_-]{20,})'", policy)
    assert nonce, policy
    assert f'nonce="{nonce[1]}"' in page.get_data(as_text=True)
    again = admin.get("/manage/editor/files/01-understanding-migration/01-key-concepts.es.md")
    assert nonce[1] not in again.headers["Content-Security-Policy"]  # new for every response
    assert "nonce-" not in admin.get("/manage/editor/").headers["Content-Security-Policy"]


def test_templates_hold_no_inline_script_style_or_handler() -> None:
    found = []
    patterns = {
        "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
        "style element": re.compile(r"<style", re.IGNORECASE),
        "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>"),
        "event handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE),
        "javascript: address": re.compile(r"javascript:", re.IGNORECASE),
    }
    for template in TEMPLATES.rglob("*.html"):
        text = re.sub(r"{#.*?#}", "", template.read_text(encoding="utf-8"), flags=re.DOTALL)
        for what, pattern in patterns.items():
            if pattern.search(text):
                found.append(f"{template.relative_to(TEMPLATES)}: {what}")
    assert not found, found


@pytest.mark.parametrize(
    "markdown",
    [
        "| a | b |\n|:--|--:|\n| 1 | 2 |",
        '<p style="color: red">x</p>',
        '<td style="text-align: right">1</td>',
        'Text {: style="color: red" }',
    ],
)
def test_lesson_html_keeps_no_style_attribute(markdown: str) -> None:
    html = render_markdown(markdown, "en")
    assert not re.search(r"<[^>]*\sstyle=", html), html


def test_table_columns_keep_their_alignment_without_styles() -> None:
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |", "en")
    assert '<th align="left">a</th>' in html and '<td align="right">2</td>' in html


def test_https_gets_strict_transport_security_and_plain_http_never(app: Flask) -> None:
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://lms.example.org")
    assert secure.headers["Strict-Transport-Security"] == HSTS
    # Without ProxyFix a forwarded scheme is anyone's claim, so it changes nothing.
    forwarded = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in forwarded.headers


def test_behind_a_proxy_fix_the_forwarded_scheme_counts(app: Flask) -> None:
    app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1)  # type: ignore[method-assign]
    client = app.test_client()
    forwarded = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert forwarded.headers["Strict-Transport-Security"] == HSTS
    plain = client.get("/login", headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in plain.headers


def test_course_pages_are_private_and_revalidated(learner: FlaskClient) -> None:
    """The offline worker keeps these (it refuses no-store pages); no shared cache may."""
    for path in ("/learn/", "/learn/understanding-migration/", LESSON, "/learn/offline"):
        response = learner.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "private, no-cache", path
        assert "ETag" in response.headers, path
    quiz = learner.get("/learn/understanding-migration/quiz")
    assert quiz.headers["Cache-Control"] == "private, no-cache"
    missing = learner.get("/learn/understanding-migration/no-such-lesson")
    assert missing.status_code == 404
    assert missing.headers["Cache-Control"] == "private, no-cache"


def test_personal_pages_are_never_stored(learner: FlaskClient) -> None:
    for path in ("/account", "/account/password", "/account/data.json", "/learn/certificate"):
        response = learner.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
        assert "ETag" not in response.headers, path
    done = learner.post(f"{LESSON}/complete")
    assert done.headers["Cache-Control"] == "no-store"


def test_an_attempt_review_is_never_stored(learner: FlaskClient) -> None:
    learner.get("/learn/understanding-migration/quiz")
    form = learner.get("/learn/understanding-migration/quiz").get_data(as_text=True)
    fields = dict(
        re.findall(r'name="(version_id|lang|submission_token)"[^>]*value="([^"]*)"', form)
    )
    submitted = learner.post("/learn/understanding-migration/quiz", data=fields)
    assert submitted.status_code == 302
    review = learner.get(submitted.headers["Location"])
    assert review.status_code == 200
    assert review.headers["Cache-Control"] == "no-store"


def test_management_reports_and_exports_are_never_stored(admin: FlaskClient) -> None:
    created = admin.post("/manage/cohorts/new", data={"name": "Edición 2030"})
    cohort = created.headers["Location"].rsplit("/", 1)[-1]
    for path in (
        "/manage",
        "/manage/users",
        "/manage/cohorts",
        f"/manage/cohorts/{cohort}",
        f"/manage/cohorts/{cohort}/progress",
        f"/manage/cohorts/{cohort}/grades.csv",
        f"/manage/cohorts/{cohort}/invitations.csv",
        "/manage/exports/",
        "/manage/exports/moodle-xml/en/understanding-migration",
        "/manage/editor/",
        "/manage/health",
    ):
        response = admin.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
        response.close()


def test_files_and_public_forms_keep_their_own_caching(client: FlaskClient) -> None:
    assert client.get("/static/lms.css").headers["Cache-Control"].startswith("public")
    assert client.get("/favicon.ico").headers["Cache-Control"].startswith("public")
    assert "no-cache" in client.get("/learn/offline-worker.js").headers["Cache-Control"]
    assert client.get("/login").headers["Cache-Control"] == "private, no-cache"
    assert client.get("/password/forgot").headers["Cache-Control"] == "private, no-cache"
    signed_out = client.get("/manage/cohorts")
    assert signed_out.status_code == 302
    assert signed_out.headers["Cache-Control"] == "no-store"


@pytest.fixture
def lms_server(app: Flask) -> Iterator[str]:
    """The platform behind the request handler `lms serve` uses, on a free local port."""
    server = make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=BannerlessRequestHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def test_the_server_header_names_no_versions(lms_server: str) -> None:
    with urllib.request.urlopen(f"{lms_server}/login") as answer:
        server = answer.headers["Server"]
        assert answer.headers["Content-Security-Policy"] == POLICY
    assert server == "lms"
    assert not re.search(r"werkzeug|python|\d", server, re.IGNORECASE)
