"""HTML pages with an ETag of their exact bytes, so an unchanged page costs a 304 to revisit.

The ETag is a hash of the body as rendered for this request, computed after the view ran (its
work, such as remembering the learner's place, is done either way). A 304 is therefore sent
only when the browser holds exactly these bytes, whoever it got them for. Pages are marked
`private, no-cache`: no shared cache (proxy) may keep them, and the browser asks every time
before showing its copy, so a signed-out or different person is never shown a stored page.
Compression runs after this hook and tags the ETag with the coding (Flask-Compress).

Left alone: responses that set their own Cache-Control or ETag (the health page says
no-store), other statuses than 200, methods other than GET and HEAD, streamed responses.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.wrappers import Response

PAGE_CACHE_CONTROL = "private, no-cache"


def wants_validators(response: Response) -> bool:
    """Whether `response` is a whole HTML page that no one has chosen caching for."""
    return (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and response.mimetype == "text/html"
        and not response.is_streamed
        and "Cache-Control" not in response.headers
        and "ETag" not in response.headers
    )


def add_validators(response: Response) -> Response:
    """ETag and `private, no-cache` on pages; 304 when the browser's copy is identical."""
    if not wants_validators(response):
        return response
    response.headers["Cache-Control"] = PAGE_CACHE_CONTROL
    response.add_etag()
    # Answers a browser that holds the uncompressed page; one holding a compressed copy is
    # answered by the compression hook, which sees the ETag with its coding.
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    """Install the hook (register it after compression's: hooks run in reverse order)."""
    app.after_request(add_validators)
