"""HTTP headers that make every response safer to show in a browser."""

from __future__ import annotations

from flask import Flask
from werkzeug.wrappers import Response

HEADERS = {
    # Browsers must not guess content types (an uploaded text file is never run as a script).
    "X-Content-Type-Options": "nosniff",
    # Other sites may not frame the platform (clickjacking); a host application at the same
    # origin, as in the plugin form, still can.
    "X-Frame-Options": "SAMEORIGIN",
    # Addresses such as invitation links must not leak to other sites through the Referer.
    "Referrer-Policy": "same-origin",
}


def add_headers(response: Response) -> Response:
    """Add the safety headers unless a view set its own."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    """Install the headers on every response."""
    app.after_request(add_headers)
