"""Localized error pages: 400 (and its expired-form case), 403, 404, 413 and 500."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request, session
from flask.sessions import NullSession
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from lms.db import db_session
from lms.i18n import gettext as _
from lms.input_limits import InvalidInput


def csrf_error(_error: CSRFError) -> ResponseReturnValue:
    """Explain an expired or missing form token and how to send the form again."""
    return render_template("errors/csrf.html"), 400


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def bad_request(error: HTTPException) -> ResponseReturnValue:
    """Say that the request was not understood and, when the edge checks know, what was wrong."""
    message = error.description if isinstance(error, InvalidInput) else None
    if isinstance(session, NullSession):
        # Static files have no session, which the page's form token needs: a short answer.
        return Response(f"{message or 'Bad request'}\n", 400, mimetype="text/plain")
    if _wants_json():
        return jsonify(error=message or _("The platform could not understand this request")), 400
    return render_template("errors/400.html", message=message), 400


def forbidden(_error: HTTPException) -> ResponseReturnValue:
    """Say that this page needs another role."""
    return render_template("errors/403.html"), 403


def not_found(_error: HTTPException) -> ResponseReturnValue:
    """Say that there is nothing at this address."""
    return render_template("errors/404.html"), 404


def too_large(_error: HTTPException) -> ResponseReturnValue:
    """Say that what was sent is larger than the platform accepts, and what to do."""
    # The limit of this request: forms take less than uploads (lms.input_limits).
    limit = request.max_content_length or 0
    megabytes = format_decimal(round(limit / 2**20, 1))
    if _wants_json():
        message = _("What you sent is larger than %(size)s MB.", size=megabytes)
        return jsonify(error=message), 413
    return render_template("errors/413.html", size=megabytes), 413


def server_error(_error: Exception) -> ResponseReturnValue:
    """Apologise for an unexpected error without showing its details."""
    # The failed request may have left the transaction broken; the page itself reads the user.
    db_session().rollback()
    return render_template("errors/500.html"), 500


def init_app(app: Flask) -> None:
    """Register the error pages."""
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(400, bad_request)
    app.register_error_handler(403, forbidden)
    app.register_error_handler(404, not_found)
    app.register_error_handler(413, too_large)
    app.register_error_handler(500, server_error)
