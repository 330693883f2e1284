"""HTTP headers that make every response safer to show in a browser, and who may keep it.

- A Content-Security-Policy on every response: scripts and styles only from the platform's
  own files, never inline. A page whose script injects style elements (the editor) asks for a
  nonce with `csp_nonce()`; only that response's policy then allows that one nonce.
- Strict-Transport-Security on requests that arrived over HTTPS (behind a reverse proxy, only
  when the app is wrapped in Werkzeug's ProxyFix, which makes `request.is_secure` honest).
- Cache-Control: `no-store` by default. Views marked `revalidated` (the learner's course pages
  the offline worker keeps, and the sign-in forms) are left to lms.delivery.revalidation,
  which marks their pages `private, no-cache` with an ETag.

Views that set a header themselves keep theirs (a stricter policy on lesson images, say).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, g, request
from werkzeug.wrappers import Response

from lms.access_log import RedactingRequestHandler

HEADERS = {
    # Browsers must not guess content types (an uploaded text file is never run as a script).
    "X-Content-Type-Options": "nosniff",
    # Other sites may not frame the platform (clickjacking); a host application at the same
    # origin, as in the plugin form, still can.
    "X-Frame-Options": "SAMEORIGIN",
    # Addresses such as invitation links must not leak to other sites through the Referer.
    "Referrer-Policy": "same-origin",
}

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    # data: for the small images style sheets and the editor's gutter carry inline.
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'self'",
}
HSTS = "max-age=31536000; includeSubDomains"
NO_STORE = "no-store"
REVALIDATE_ATTRIBUTE = "cache_revalidated"

F = TypeVar("F", bound=Callable[..., object])


def revalidated(view: F) -> F:
    """Let the browser keep this page if it asks again every time (`private, no-cache`).

    For pages with nothing another person must not see later on the same device, or pages
    the offline worker keeps for their learner (it refuses `no-store` ones).
    """
    setattr(view, REVALIDATE_ATTRIBUTE, True)
    return view


def is_revalidated(view: Callable[..., object] | None) -> bool:
    """Whether `view` is marked with `revalidated`."""
    return bool(getattr(view, REVALIDATE_ATTRIBUTE, False))


def csp_nonce() -> str:
    """A nonce for this response's style-src, made on first use (for CodeMirror's styles)."""
    nonce: str | None = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(18)
    return nonce


def content_security_policy() -> str:
    """The policy for this response, with this request's style nonce if a page asked for one."""
    directives = dict(CONTENT_SECURITY_POLICY)
    nonce = g.get("csp_nonce")
    if nonce:
        directives["style-src"] += f" 'nonce-{nonce}'"
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def add_headers(response: Response) -> Response:
    """Add the safety headers unless a view set its own."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def add_cache_control(response: Response) -> Response:
    """`no-store` unless the view chose its caching or is marked `revalidated`."""
    if "Cache-Control" in response.headers:
        return response
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method in ("GET", "HEAD") and is_revalidated(view):
        if response.status_code != 200:
            # 200s get this header (and an ETag) from lms.delivery.revalidation.
            response.headers["Cache-Control"] = "private, no-cache"
        return response
    response.headers["Cache-Control"] = NO_STORE
    return response


class BannerlessRequestHandler(RedactingRequestHandler):
    """The request handler of `lms serve`: its Server header names no software versions."""

    server_version = "lms"
    sys_version = ""

    def version_string(self) -> str:
        """The Server header: the platform's name, without Werkzeug's and Python's versions."""
        return self.server_version


def init_app(app: Flask) -> None:
    """Install the headers on every response (call after lms.delivery's init_app)."""
    app.after_request(add_headers)
    # Flask runs after_request hooks in reverse order: registered after the page validators,
    # this runs before them, so a `no-store` page gets no ETag.
    app.after_request(add_cache_control)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
