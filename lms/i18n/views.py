"""The language switch shown on every page."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, redirect, request
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from lms.auth import services
from lms.auth.access import public
from lms.auth.identity import current_account
from lms.db import db_session
from lms.i18n import LANGUAGES
from lms.urls import next_or_home

blueprint = Blueprint("i18n", __name__)

ONE_YEAR = timedelta(days=365)


def set_language_cookie(response: Response, language: str) -> None:
    """Remember the interface language in the browser, also for signed-out visits."""
    response.set_cookie(
        current_app.config["LMS_LANGUAGE_COOKIE"],
        language,
        max_age=int(ONE_YEAR.total_seconds()),
        path=request.script_root or "/",
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        httponly=True,
        samesite="Lax",
    )


@blueprint.route("/language", methods=["POST"])
@public("the language switch on every page, signed in or not")
def set_language() -> ResponseReturnValue:
    """Switch the interface language and go back to the page the switch was on."""
    language = request.form.get("language", "")
    if language not in LANGUAGES:
        abort(400)
    user = current_account()
    if user is not None:
        services.set_interface_language(db_session(), user, language)
        db_session().commit()
    response = redirect(next_or_home(request.form.get("next")))
    set_language_cookie(response, language)
    return response
