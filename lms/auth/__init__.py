"""Accounts: sign-in, sign-out, the account page, passwords and roles."""

from __future__ import annotations

from flask import Flask

from lms.auth import identity, views


def init_app(app: Flask) -> None:
    """Install Flask-Login and the `auth` blueprint."""
    identity.init_app(app)
    app.register_blueprint(views.blueprint)
