"""The application factory: every part of the platform wired into one Flask app."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app
from flask_wtf.csrf import CSRFProtect

from lms import (
    auth,
    authoring,
    cohorts,
    courses,
    db,
    deadlines,
    delivery,
    errors,
    i18n,
    input_limits,
    learning,
    manage,
    proxies,
    reports,
    security,
    templating,
)
from lms import config as settings


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from defaults, then the environment, then `config`; writes nothing."""
    overrides = dict(config or {})
    instance_path = overrides.pop("INSTANCE_PATH", None) or os.environ.get("LMS_INSTANCE_PATH")
    # Named for the package, as before the factory had a module of its own: the app's logger
    # ("lms"), its root path (templates, static files) and its import name follow from it.
    app = Flask(
        "lms",
        instance_relative_config=True,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
    )
    app.config.update(settings.defaults(app.instance_path))
    app.config.update(settings.from_environment())
    app.config.update(overrides)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = settings.read_secret_key(app.instance_path)
    settings.apply_derived(app.config)
    _init_parts(app)
    return app


def _init_parts(app: Flask) -> None:
    """Wire every part into `app`, each through its own init_app."""
    # Imported here because lms.cli imports create_app from this package.
    from lms import cli

    app.before_request(_require_secret_key)
    # First: its converter must be in place before routes are added, its checks before CSRF's.
    input_limits.init_app(app)
    db.init_app(app)
    CSRFProtect(app)
    i18n.init_app(app)
    auth.init_app(app)
    cohorts.init_app(app)
    manage.init_app(app)
    courses.init_app(app)
    authoring.init_app(app)
    learning.init_app(app)
    reports.init_app(app)
    deadlines.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    delivery.init_app(app)
    # After delivery: its cache decision must run before delivery's page validators.
    security.init_app(app)
    proxies.init_app(app)
    cli.init_app(app)


def _require_secret_key() -> None:
    """Stop with instructions instead of failing later on the first session cookie."""
    if not current_app.config["SECRET_KEY"]:
        raise RuntimeError(
            "No SECRET_KEY is set. Run `lms init` once (it stores a key in the instance "
            "folder) or set the SECRET_KEY environment variable."
        )
