"""The management area shared by instructors and administrators."""

from __future__ import annotations

from flask import Flask

from lms.manage import (
    account_views,  # noqa: F401  (adds the reset-link and deletion routes to the blueprint)
    audit_views,  # noqa: F401  (adds the audit log to the blueprint)
    health_views,  # noqa: F401  (adds the health routes to the blueprint)
    readiness,
    views,
)


def init_app(app: Flask) -> None:
    """Register the `manage` blueprint and the readiness probe."""
    app.register_blueprint(views.blueprint)
    app.register_blueprint(readiness.blueprint)
