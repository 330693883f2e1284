"""LMS_TRUSTED_PROXIES: forwarded scheme and address are believed only from configured proxies."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request

from tests.conftest import make_test_app

FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


def _seen(app: Flask) -> tuple[str, bool]:
    """The client address, and the HSTS header and HTTPS flag, behind the forwarded headers."""
    seen: dict[str, object] = {}

    @app.get("/__seen")
    def show() -> str:
        seen["address"], seen["secure"] = request.remote_addr, request.is_secure
        return ""

    response = app.test_client().get("/login", headers=FORWARDED)
    app.test_client().get("/__seen", headers=FORWARDED)
    return f"{seen['address']} {response.headers.get('Strict-Transport-Security')}", bool(
        seen["secure"]
    )


def test_behind_one_trusted_proxy_the_visitor_and_https_are_seen(
    tmp_path: Path, database_url: str
) -> None:
    app = make_test_app(tmp_path, database_url, LMS_TRUSTED_PROXIES=1)
    seen, secure = _seen(app)
    assert secure and seen.startswith("203.0.113.7 max-age=31536000")


def test_without_trusted_proxies_forwarded_headers_are_ignored(
    tmp_path: Path, database_url: str
) -> None:
    app = make_test_app(tmp_path, database_url)
    seen, secure = _seen(app)
    assert not secure and seen == "127.0.0.1 None"
