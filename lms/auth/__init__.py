"""Accounts: sign-in, sign-out, the account page, passwords and roles."""

from __future__ import annotations

from flask import Flask

# reset_views and account_views add the forgotten-password and own-account pages to the blueprint.
from lms.auth import account_views, identity, reset_views, throttle, views  # noqa: F401


def init_app(app: Flask) -> None:
    """Install Flask-Login, the sign-in limits and the `auth` blueprint."""
    identity.init_app(app)
    throttle.init_app(app)
    app.register_blueprint(views.blueprint)
