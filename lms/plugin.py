"""The plugin form: the whole LMS mounted under a URL prefix of a host Flask application."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from lms import create_app


def mount(host_app: Flask, prefix: str = "/lms", config: Mapping[str, Any] | None = None) -> Flask:
    """Serve a new LMS app at `prefix` inside `host_app` and return the LMS app.

    The LMS keeps its own session cookie, scoped to the prefix, so it never reads or overwrites
    the host's session. Without a SECRET_KEY in `config` or the environment it uses the host's.
    """
    prefix = "/" + prefix.strip("/")
    settings: dict[str, Any] = {
        "SESSION_COOKIE_PATH": prefix,
        "REMEMBER_COOKIE_PATH": prefix,
        **(config or {}),
    }
    lms_app = create_app(settings)
    if not lms_app.config["SECRET_KEY"] and host_app.config.get("SECRET_KEY"):
        lms_app.config["SECRET_KEY"] = host_app.config["SECRET_KEY"]
    # The dispatcher moves the prefix from PATH_INFO to SCRIPT_NAME, which url_for honours.
    host_app.wsgi_app = DispatcherMiddleware(  # type: ignore[method-assign]
        host_app.wsgi_app, {prefix: lms_app}
    )
    return lms_app
