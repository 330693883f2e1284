"""The administrators' health page and its JSON twin for monitoring."""

from __future__ import annotations

from flask import current_app, jsonify, render_template
from flask.typing import ResponseReturnValue

from lms.auth.access import admin_required
from lms.db import db_session
from lms.manage.views import blueprint

# Health changes from one moment to the next: no cache may answer for the server.
NO_STORE = {"Cache-Control": "no-store"}


@blueprint.route("/health")
@admin_required
def health_page() -> ResponseReturnValue:
    """Show whether the platform is healthy and what to fix; 503 when the database fails."""
    from lms.manage import health  # with Alembic, for the schema check: loaded when asked

    report = health.check_health(db_session(), current_app.config)
    return render_template("manage/health.html", report=report), report.http_status, NO_STORE


@blueprint.route("/health.json")
@admin_required
def health_json() -> ResponseReturnValue:
    """The same facts as JSON, with 503 when the database fails."""
    from lms.manage import health

    report = health.check_health(db_session(), current_app.config)
    return jsonify(health.as_json(report)), report.http_status, NO_STORE
