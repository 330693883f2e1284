"""Reviewing the draft's changes and publishing it as a new course version."""

from __future__ import annotations

from collections.abc import Mapping

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from lms.auth.access import staff_required
from lms.authoring import drafts
from lms.authoring.diff import diff_files
from lms.authoring.preview import content_path
from lms.authoring.publishing import NothingToPublish, publish_draft
from lms.authoring.views import blueprint
from lms.authoring.views.common import live_files, user_id
from lms.content import ContentInvalid, Problem
from lms.courses.cache import course_cache
from lms.courses.services import current_version
from lms.db import db_session
from lms.forms import csrf_token_valid
from lms.i18n import gettext as _
from lms.i18n import ngettext

MESSAGE_LIMIT = 500


def _changes_page(
    draft: Mapping[str, bytes],
    *,
    message: str = "",
    problems: list[Problem] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    session = db_session()
    only = request.args.get("path")
    changes = [c for c in diff_files(live_files(session), draft) if only in (None, c.path)]
    return render_template(
        "authoring/changes.html",
        changes=changes,
        only=only,
        live=current_version(session),
        message=message,
        problems=[(content_path(p.path), p) for p in problems or []],
    ), status


@blueprint.get("/changes")
@staff_required
def changes() -> ResponseReturnValue:
    """The draft against the live version, file by file with words highlighted, and Publish."""
    session = db_session()
    draft = drafts.draft_files(session)
    session.commit()
    return _changes_page(draft)


@blueprint.post("/publish")
@staff_required
def publish() -> ResponseReturnValue:
    """Check the whole draft and publish it, or list every problem with a link to its line."""
    session = db_session()
    message = request.form.get("message", "").strip()[:MESSAGE_LIMIT]
    draft = drafts.draft_files(session)
    if not csrf_token_valid():
        # The draft is in the database; keep the message typed and ask to press Publish again.
        flash(
            _("Your session's security check expired. Your draft is safe: publish again."),
            "warning",
        )
        return _changes_page(draft, message=message, status=400)
    if not message:
        flash(_("Say in a few words what changed: it is shown in the history."), "error")
        return _changes_page(draft, status=422)
    try:
        result = publish_draft(session, message, user_id())
    except ContentInvalid as invalid:
        session.rollback()
        flash(
            ngettext(
                "Not published: %(num)s problem to fix first.",
                "Not published: %(num)s problems to fix first.",
                len(invalid.problems),
            ),
            "error",
        )
        return _changes_page(draft, message=message, problems=invalid.problems, status=422)
    except NothingToPublish as same:
        session.rollback()
        flash(
            _(
                "Nothing to publish: the draft is the same as version %(number)s.",
                number=same.args[0],
            ),
            "info",
        )
        return redirect(url_for(".changes"))
    session.commit()
    # This process's next request finds the new version parsed; others parse it on first use.
    course_cache().put(result.version.id, result.course)
    current_app.logger.info("course version %s published", result.version.number)
    flash(
        _("Published as version %(number)s. Learners see it now.", number=result.version.number),
        "success",
    )
    return redirect(url_for(".history"))
