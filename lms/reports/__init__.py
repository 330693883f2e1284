"""Reports for instructors: cohort progress, grade and response exports, item analysis."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the reports blueprint."""
    from lms.reports.item_analysis import shown
    from lms.reports.views import blueprint

    app.register_blueprint(blueprint)
    app.jinja_env.globals["shown"] = shown
