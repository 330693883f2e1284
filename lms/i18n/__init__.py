"""Interface languages: typed gettext helpers, the locale selector and the language switch."""

from __future__ import annotations

from typing import Any, cast

import flask_babel
from flask import Flask

# Interface languages, in the order the switch lists them; content exists in es and en only.
LANGUAGES: tuple[str, ...] = ("es", "en", "pt")
CONTENT_LANGUAGES: tuple[str, ...] = ("es", "en")
# Each language is named in itself, so a person who cannot read the current one finds theirs.
LANGUAGE_NAMES: dict[str, str] = {"es": "Español", "en": "English", "pt": "Português"}


def gettext(string: str, **variables: Any) -> str:
    """Translate `string` into the current interface language."""
    return str(flask_babel.gettext(string, **variables))


_ = gettext


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Translate a message that depends on a count."""
    return str(flask_babel.ngettext(singular, plural, num, **variables))


def lazy_gettext(string: str, **variables: Any) -> str:
    """Translate `string` when it is rendered (for labels defined at import time)."""
    # A LazyString is not a str subclass but behaves as one wherever Jinja or WTForms use it.
    return cast(str, flask_babel.lazy_gettext(string, **variables))


_l = lazy_gettext


def N_(string: str) -> str:
    """Mark `string` for extraction only; it is translated later with gettext()."""
    return string


def known_language(code: str | None) -> str:
    """`code` if it is an interface language, else the default one (for a mail's reader)."""
    return code if code in LANGUAGES else LANGUAGES[0]


def default_content_language(ui_language: str) -> str:
    """Return the content language that goes with an interface language (en -> en, else es)."""
    return "en" if ui_language == "en" else "es"


def current_language() -> str:
    """Return the interface language of the current request."""
    locale = flask_babel.get_locale()
    return str(locale.language) if locale is not None else LANGUAGES[0]


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the locale selector and register the language switch."""
    # Imported here: both import lms.auth, whose modules import the helpers above.
    from lms.i18n.selector import select_locale
    from lms.i18n.views import blueprint

    flask_babel.Babel(
        app,
        locale_selector=select_locale,
        default_locale=app.config["BABEL_DEFAULT_LOCALE"],
    )
    app.register_blueprint(blueprint)
