"""Instructor downloads: SCORM packages and Moodle XML of the live course version."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from lms.auth.access import staff_required
from lms.content import LANGUAGES
from lms.courses.cache import course_cache
from lms.courses.exports import ExportRequest, UnknownExport, build_export
from lms.courses.services import current_version
from lms.db import db_session

bp = Blueprint("exports", __name__, url_prefix="/manage/exports")
KINDS = ("scorm12", "scorm2004", "moodle-xml")


@bp.get("/")
@staff_required
def index() -> ResponseReturnValue:
    """Every module with its download links."""
    session = db_session()
    version = current_version(session)
    course = course_cache().get(session, version.id) if version else None
    return render_template("exports/index.html", version=version, course=course,
                           languages=LANGUAGES)


@bp.get("/<kind>/<lang>/<module>")
@staff_required
def download(kind: str, lang: str, module: str) -> ResponseReturnValue:
    """One SCORM zip or Moodle XML file, built from the live version."""
    session = db_session()
    version = current_version(session)
    if version is None or kind not in KINDS or lang not in LANGUAGES:
        abort(404)
    try:
        built = build_export(session, ExportRequest(version.id, kind, lang, module))
    except UnknownExport:
        abort(404)
    except ValueError as error:  # content Moodle cannot take: say what and where
        flash(str(error), "error")
        return redirect(url_for(".index"))
    response = Response(built.data, mimetype=built.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{built.file_name}"'
    return response
