"""Media files of a course as HTTP responses: typed by content, sandboxed, never guessed."""

from __future__ import annotations

from flask import Response, abort

from lms.content.media import MediaType, media_headers, servable_type


def media_response(data: bytes | None, file_name: str, *, max_age: int) -> Response:
    """A media file served safely; 404 for a missing file or one `lms check` refuses."""
    kind = servable_type(file_name, data) if data is not None else None
    return typed_media_response(data, kind, file_name, max_age=max_age)


def typed_media_response(
    data: bytes | None, kind: MediaType | None, file_name: str, *, max_age: int
) -> Response:
    """A media file whose type the checks already found (None: refused or unknown, 404)."""
    if data is None or kind is None:
        # A file that fails the check (stored before it existed, or written into the database
        # directly) is never served: as HTML or SVG it would run on the platform's origin.
        abort(404)
    response = Response(data, mimetype=kind.mimetype, headers=media_headers(kind, file_name))
    response.cache_control.max_age = max_age
    response.cache_control.private = True
    return response
