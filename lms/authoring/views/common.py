"""Small helpers the editor's views share."""

from __future__ import annotations

from flask import Response, jsonify
from sqlalchemy.orm import Session

from lms.auth.identity import current_account
from lms.courses import media
from lms.courses.services import current_version, version_files


def user_id() -> int:
    """The signed-in person's id (the views are all behind staff_required)."""
    account = current_account()
    assert account is not None
    return account.id


def json_error(message: str, status: int) -> Response:
    """A JSON error the editor's script shows as it is."""
    response = jsonify(error=message)
    response.status_code = status
    return response


def live_files(session: Session) -> dict[str, bytes]:
    """The files of the version learners see now (empty before any is published)."""
    live = current_version(session)
    return version_files(session, live.id) if live else {}


def media_response(data: bytes | None, path: str) -> Response:
    """An image of the course, typed and sandboxed as learners get it (404 if not allowed)."""
    return media.media_response(data, path.rpartition("/")[2], max_age=300)
