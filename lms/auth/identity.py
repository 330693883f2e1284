"""Flask-Login wiring: cookies carry "<id>:<session_version>" and stale versions are refused."""

from __future__ import annotations

from typing import Any

import flask_login
from flask import Flask, current_app
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import joinedload

from lms.db import db_session
from lms.i18n import N_, gettext
from lms.models import User

LOGIN_MESSAGE = N_("Please sign in to continue.")


def parse_user_id(value: str) -> tuple[int, int] | None:
    """Split a stored "<id>:<session_version>" into numbers, or None if malformed."""
    user_id, sep, version = value.partition(":")
    if not sep or not user_id.isdigit() or not version.isdigit():
        return None
    return int(user_id), int(version)


def load_user(value: str) -> User | None:
    """Return the user a session or remember cookie names, unless its session version is stale."""
    parsed = parse_user_id(value)
    if parsed is None:
        return None
    user_id, version = parsed
    # The learner's place comes in the same statement (a join on its key): lesson pages then
    # write it only when it changed, and the course home reads it without a query.
    user = db_session().get(User, user_id, options=[joinedload(User.bookmark)])
    if user is None or user.session_version != version:
        return None
    return user


def current_account() -> User | None:
    """Return the signed-in user, or None for anonymous visitors."""
    user = flask_login.current_user
    return user if isinstance(user, User) else None


def send_to_sign_in() -> ResponseReturnValue:
    """Redirect to the sign-in page with a `next` back to the current page."""
    manager: Any = current_app.login_manager  # type: ignore[attr-defined]
    response: ResponseReturnValue = manager.unauthorized()
    return response


def init_app(app: Flask) -> None:
    """Attach a LoginManager to `app` that redirects anonymous visitors to the sign-in page."""
    manager = flask_login.LoginManager()
    manager.user_loader(load_user)
    manager.login_view = "auth.login"
    manager.login_message = LOGIN_MESSAGE
    manager.login_message_category = "info"
    # Flask-Login flashes the message as given; translate it in the request's language.
    manager.localize_callback = gettext
    manager.init_app(app)
