"""Values every template can use, and the start page redirect."""

from __future__ import annotations

from typing import Any

from flask import Flask, redirect
from flask.typing import ResponseReturnValue

from lms.auth.access import public
from lms.auth.identity import current_account
from lms.auth.labels import role_label
from lms.i18n import LANGUAGE_NAMES, LANGUAGES, current_language
from lms.urls import current_path, home_url


def template_globals() -> dict[str, Any]:
    """Give templates the signed-in user, the languages and the course home address."""
    return {
        "account": current_account(),
        "languages": LANGUAGES,
        "language_names": LANGUAGE_NAMES,
        "current_language": current_language(),
        "current_path": current_path,
        "home_url": home_url,
        "role_label": role_label,
    }


@public("sends everyone on to their start page; the pages it leads to check access")
def start() -> ResponseReturnValue:
    """Send "/" to the course home (or the account page until the course is installed)."""
    return redirect(home_url())


def init_app(app: Flask) -> None:
    """Install the template globals and the "/" route."""
    # Drop the blank lines block tags leave behind: pages stay small on slow connections.
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.context_processor(template_globals)
    # Macros imported without context see globals only: the interface language, for the
    # interface's words inside course content (which carries its own language).
    app.jinja_env.globals["interface_language"] = current_language
    app.add_url_rule("/", "index", start)
