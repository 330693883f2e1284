"""The development server's access log, without the secret links' tokens."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from werkzeug.serving import WSGIRequestHandler

REDACTED = "REDACTED"


def redact_path(app: Flask, path: str) -> str:
    """`path` with the token of a reset, confirmation or invitation link replaced.

    Any route with a `<token>` part is such a link: whoever reads the log could use it.
    """
    route = path.split("?", 1)[0]
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, arguments = adapter.match(route)
    except (HTTPException, RequestRedirect):
        return path
    if "token" not in arguments:
        return path
    # The query string goes too: it is never needed to read the log, and may hold a copy.
    return str(adapter.build(str(endpoint), {**arguments, "token": REDACTED}))


class RedactingRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler, logging paths through redact_path."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log the request line with any link token replaced."""
        original = self.path
        app: Any = getattr(self.server, "app", None)
        if isinstance(app, Flask):
            self.path = redact_path(app, original)
        try:
            super().log_request(code, size)
        finally:
            self.path = original
