"""Every published version: its files, the difference between two, and rolling back."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from lms import audit
from lms.auth.access import staff_required
from lms.auth.identity import current_account
from lms.authoring.diff import diff_files
from lms.authoring.paths import is_media
from lms.authoring.publishing import NoSuchVersion, NothingToPublish, rollback
from lms.authoring.views import blueprint
from lms.authoring.views.common import media_response, user_id
from lms.cohorts.services import cohort_ids_run_by
from lms.content import ContentInvalid
from lms.courses.cache import course_cache
from lms.courses.services import current_version, version_by_number, version_files
from lms.db import db_session
from lms.i18n import gettext as _
from lms.i18n import ngettext
from lms.input_limits import parse_id
from lms.models import CourseVersion, Role, User


@blueprint.get("/history")
@staff_required
def history() -> ResponseReturnValue:
    """Every version, newest first, with author, time, message and how it was made."""
    rows = (
        db_session()
        .execute(
            select(CourseVersion, User.name)
            .outerjoin(User, User.id == CourseVersion.created_by_id)
            .order_by(CourseVersion.number.desc())
        )
        .all()
    )
    live = rows[0][0].number if rows else None
    return render_template("authoring/history.html", rows=rows, live=live)


@blueprint.get("/activity")
@staff_required
def activity() -> ResponseReturnValue:
    """Who changed what in the course and when: the latest entries of the audit trail.

    Administrators see every event; instructors the content events and those of their cohorts.
    """
    session = db_session()
    viewer = current_account()
    assert viewer is not None
    cohorts = None if viewer.role == Role.ADMIN else cohort_ids_run_by(session, viewer)
    return render_template("authoring/activity.html", events=audit.recent(session, cohorts=cohorts))


def _version_or_404(number: int) -> CourseVersion:
    version = version_by_number(db_session(), number)
    if version is None:
        abort(404)
    return version


@blueprint.get("/history/<int:number>")
@staff_required
def version(number: int) -> ResponseReturnValue:
    """The files of one version."""
    found = _version_or_404(number)
    files = version_files(db_session(), found.id)
    return render_template("authoring/version.html", version=found, paths=sorted(files))


@blueprint.get("/history/<int:number>/files/<path:path>")
@staff_required
def version_file(number: int, path: str) -> ResponseReturnValue:
    """One file of one version, as it was published."""
    found = _version_or_404(number)
    data = version_files(db_session(), found.id).get(path)
    if is_media(path):
        return media_response(data, path)
    if data is None:
        abort(404)
    text = data.decode("utf-8", errors="replace")
    return render_template("authoring/version_file.html", version=found, path=path, text=text)


@blueprint.get("/history/compare")
@staff_required
def compare() -> ResponseReturnValue:
    """The difference between any two versions (default: the previous one and the live one)."""
    session = db_session()
    live = current_version(session)
    if live is None:
        abort(404)
    new_number = parse_id(request.args.get("to", live.number))
    if new_number is None:
        abort(404)
    old_number = parse_id(request.args.get("from", max(new_number - 1, 1)))
    if old_number is None:
        abort(404)
    old, new = _version_or_404(old_number), _version_or_404(new_number)
    changes = diff_files(version_files(session, old.id), version_files(session, new.id))
    return render_template("authoring/compare.html", old=old, new=new, changes=changes)


@blueprint.post("/history/<int:number>/rollback")
@staff_required
def roll_back(number: int) -> ResponseReturnValue:
    """Publish an earlier version's files as a new version (history itself never changes)."""
    session = db_session()
    message = request.form.get("message", "").strip()[:400]
    try:
        result = rollback(session, number, message, user_id())
    except NoSuchVersion:
        abort(404)
    except NothingToPublish:
        session.rollback()
        flash(_("Version %(number)s is what learners see already.", number=number), "info")
        return redirect(url_for(".history"))
    except ContentInvalid as invalid:
        # An old version checked clean when published; the checker may have grown stricter.
        session.rollback()
        flash(
            ngettext(
                "Version %(number)s no longer checks clean (%(num)s problem): open it, copy "
                "what you need into the draft and publish that.",
                "Version %(number)s no longer checks clean (%(num)s problems): open it, copy "
                "what you need into the draft and publish that.",
                len(invalid.problems),
                number=number,
            ),
            "error",
        )
        return redirect(url_for(".history"))
    session.commit()
    course_cache().put(result.version.id, result.course)
    flash(
        _(
            "Version %(old)s is live again as version %(new)s.",
            old=number,
            new=result.version.number,
        ),
        "success",
    )
    return redirect(url_for(".history"))
