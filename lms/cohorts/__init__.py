"""Cohorts (course editions): managing them, inviting people and joining."""

from __future__ import annotations

from flask import Flask

# The invitation and member views register their routes on the cohorts blueprint.
from lms.cohorts import invitation_views, member_views, views  # noqa: F401


def init_app(app: Flask) -> None:
    """Register the `cohorts` blueprint."""
    app.register_blueprint(views.blueprint)
