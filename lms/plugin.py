"""The plugin form: the whole LMS mounted under a URL prefix of a host Flask application."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from lms import create_app


def mount(host_app: Flask, prefix: str = "/lms", config: Mapping[str, Any] | None = None) -> Flask:
    """Serve a new LMS app at `prefix` inside `host_app` and return the LMS app.

    The LMS keeps its own session cookie, scoped to the prefix, so it never reads or overwrites
    the host's session. Its secret key is, in this order: SECRET_KEY in `config`, the
    SECRET_KEY environment variable, the host's SECRET_KEY, the key file of the LMS instance
    folder; the LMS logs which one it took.
    """
    prefix = "/" + prefix.strip("/")
    settings: dict[str, Any] = {
        "SESSION_COOKIE_PATH": prefix,
        "REMEMBER_COOKIE_PATH": prefix,
        **(config or {}),
    }
    source = _secret_key_source(host_app, settings)
    if source == "the host app's SECRET_KEY":
        settings["SECRET_KEY"] = host_app.config["SECRET_KEY"]
    lms_app = create_app(settings)
    if not lms_app.config["SECRET_KEY"]:
        source = "none yet: run `lms init` or set SECRET_KEY"
    lms_app.logger.warning("LMS mounted at %s; its secret key: %s.", prefix, source)
    # The dispatcher moves the prefix from PATH_INFO to SCRIPT_NAME, which url_for honours.
    host_app.wsgi_app = DispatcherMiddleware(  # type: ignore[method-assign]
        host_app.wsgi_app, {prefix: lms_app}
    )
    return lms_app


def _secret_key_source(host_app: Flask, settings: Mapping[str, Any]) -> str:
    """Where the mounted app's secret key comes from, in words for the log."""
    if settings.get("SECRET_KEY"):
        return "SECRET_KEY given to mount()"
    if os.environ.get("SECRET_KEY"):
        return "the SECRET_KEY environment variable"
    if host_app.config.get("SECRET_KEY"):
        return "the host app's SECRET_KEY"
    return "the key file in the LMS instance folder"
