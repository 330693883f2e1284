"""One form token per session for a few minutes, so an unchanged page has unchanged bytes.

Every page carries a CSRF token (at least in the language switch). Flask-WTF signs the
session's secret with the current second, so each rendering of a page differed from the last
and could never be answered with a 304. Signing with the start of the current window instead
(TOKEN_WINDOW seconds) gives the same token to every page of a session within the window.

The token stays exactly as strong: the same session secret, key and salt, checked by
Flask-WTF's own validate_csrf. What changes is its age: it is at most TOKEN_WINDOW seconds
older than the page, so a form stays valid between WTF_CSRF_TIME_LIMIT - TOKEN_WINDOW and
WTF_CSRF_TIME_LIMIT seconds after it was shown (55 to 60 minutes by default).
"""

from __future__ import annotations

import time

from flask import Flask, current_app, g, session
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

TOKEN_WINDOW = 300
# Flask-WTF's salt for form tokens (flask_wtf.csrf); a token made with another is refused.
FLASK_WTF_SALT = "wtf-csrf-token"


class WindowStartSigner(TimestampSigner):
    """Signs with the start of the current window instead of the current second."""

    def get_timestamp(self) -> int:
        now = int(time.time())
        return now - now % TOKEN_WINDOW


def reuse_form_token() -> None:
    """Before each request: give Flask-WTF this window's token for the session's secret.

    Flask-WTF keeps the request's signed token in `g.<field name>` and returns it from
    generate_csrf (forms and the csrf_token() template global alike). A session without a
    secret yet (a first visit) is left alone: Flask-WTF makes the secret and a token as usual.
    """
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    secret = session.get(field)
    if not isinstance(secret, str) or field in g:
        return
    key = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    if not key:
        return
    serializer = URLSafeTimedSerializer(key, salt=FLASK_WTF_SALT, signer=WindowStartSigner)
    setattr(g, field, serializer.dumps(secret))


def init_app(app: Flask) -> None:
    """Install the hook (after CSRFProtect's own check, which runs first)."""
    app.before_request(reuse_form_token)
