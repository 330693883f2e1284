"""Media files of a course as HTTP responses: typed by content, sandboxed, never guessed."""

from __future__ import annotations

from threading import Lock

from flask import Response, abort, current_app

from lms.content.media import MediaType, media_headers, servable_type

# Each app keeps the checks made on files of its published versions, which never change:
# (version id, path) -> the type to serve as, or None for a refused file. Reading a 5 MB image
# for markup takes about 80 ms, too much to repeat on every request for it. Per app, because
# two apps in one process (a host mounting the platform, tests) have databases of their own.
CHECKS_EXTENSION = "lms.published_media_checks"
_LOCK = Lock()
MAX_PUBLISHED_CHECKS = 10_000  # far above the files of a few versions; then start afresh


def media_response(data: bytes | None, file_name: str, *, max_age: int) -> Response:
    """A media file served safely; 404 for a missing file or one `lms check` refuses."""
    kind = servable_type(file_name, data) if data is not None else None
    return _response(data, kind, file_name, max_age)


def published_media_response(
    version_id: int, path: str, data: bytes | None, *, max_age: int
) -> Response:
    """`media_response` for file `path` of a published version, checked once per process."""
    file_name = path.rpartition("/")[2]
    if data is None:
        return _response(None, None, file_name, max_age)
    key = (version_id, path)
    checks: dict[tuple[int, str], MediaType | None]
    with _LOCK:
        checks = current_app.extensions.setdefault(CHECKS_EXTENSION, {})
        known = key in checks
        kind = checks.get(key)
    if not known:
        kind = servable_type(file_name, data)
        with _LOCK:
            if len(checks) >= MAX_PUBLISHED_CHECKS:
                checks.clear()
            checks[key] = kind
    return _response(data, kind, file_name, max_age)


def _response(
    data: bytes | None, kind: MediaType | None, file_name: str, max_age: int
) -> Response:
    if data is None or kind is None:
        # A file that fails the check (stored before it existed, or written into the database
        # directly) is never served: as HTML or SVG it would run on the platform's origin.
        abort(404)
    response = Response(data, mimetype=kind.mimetype, headers=media_headers(kind, file_name))
    response.cache_control.max_age = max_age
    response.cache_control.private = True
    return response
