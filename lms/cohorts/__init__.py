"""Cohorts (course editions): managing them and joining through an invitation link."""

from __future__ import annotations

from flask import Flask

# Registers its routes on the same blueprint.
from lms.cohorts import (
    invitation_views,  # noqa: F401
    views,
)


def init_app(app: Flask) -> None:
    """Register the `cohorts` blueprint."""
    app.register_blueprint(views.blueprint)
