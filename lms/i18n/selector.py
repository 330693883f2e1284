"""Choosing the interface language of a request."""

from __future__ import annotations

from flask import current_app, has_request_context, request

from lms.auth.identity import current_account
from lms.i18n import LANGUAGES


def select_locale() -> str:
    """Pick the account's language, else the `lang` cookie, else Accept-Language, else es."""
    default: str = current_app.config["LMS_DEFAULT_LANGUAGE"]
    if not has_request_context():
        return default
    user = current_account()
    if user is not None and user.ui_language in LANGUAGES:
        return user.ui_language
    cookie = request.cookies.get(current_app.config["LMS_LANGUAGE_COOKIE"])
    if cookie is not None and cookie in LANGUAGES:
        return cookie
    return request.accept_languages.best_match(LANGUAGES) or default
