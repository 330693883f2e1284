"""A cohort's reports: the progress table with charts, grade exports and item analysis."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue

from lms.auth.identity import current_account
from lms.cohorts import services as cohorts
from lms.cohorts.views import cohort_or_404, cohort_staff_required
from lms.db import db_session
from lms.deadlines.services import cohort_deadlines, extensions_of, latest_extensions
from lms.i18n import gettext as _
from lms.i18n import ngettext
from lms.input_limits import parse_id
from lms.learning.context import content_language, live_course
from lms.learning.progress import course_progress
from lms.models import Cohort, User
from lms.reports import answers
from lms.reports.item_analysis import analyse_by_language
from lms.reports.learner import MAX_EXTRA, GrantRefused, grant_attempts, learner_record
from lms.reports.progress import PAGE_SIZE, STATUSES, CohortProgress, Filters, cohort_progress
from lms.reports.spreadsheets import content_disposition, csv_stream, xlsx_stream

blueprint = Blueprint("reports", __name__, url_prefix="/manage/cohorts/<int:cohort_id>")
FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _filters(*, every_row: bool = False) -> Filters:
    args = request.args
    status = args.get("status", "")
    page = 0 if every_row else max(1, parse_id(args.get("page", "1")) or 1)
    return Filters(
        country=args.get("country", "")[:2],
        institution=args.get("institution", "")[:300],
        status=status if status in STATUSES else "",
        search=args.get("q", "")[:200],
        sort=args.get("sort", "name"),
        descending=args.get("order") == "desc",
        page=page,
    )


@blueprint.get("/progress")
@cohort_staff_required
def progress(cohort_id: int) -> ResponseReturnValue:
    """Learners × modules with status, best score, attempts and last activity."""
    cohort = cohort_or_404(cohort_id)
    live = live_course()
    filters = _filters()
    report = cohort_progress(db_session(), cohort, live.course, filters)
    return render_template(
        "reports/progress.html",
        cohort=cohort,
        course=live.course,
        report=report,
        filters=filters,
        pages=max(1, -(-report.matching // PAGE_SIZE)),
        lang=content_language(),
        statuses=STATUSES,
    )


def _download(
    name: str, kind: str, header: Sequence[str], rows: Iterator[list[object]]
) -> Response:
    if kind not in FORMATS:
        abort(404)
    stream = (
        csv_stream(header, rows) if kind == "csv" else xlsx_stream(header, rows, sheet_title=name)
    )
    # The rows are read while the response is sent: keep the request (and its session) open.
    response = Response(stream_with_context(stream), mimetype=FORMATS[kind])
    response.headers["Content-Disposition"] = content_disposition(f"{name}.{kind}")
    # A proxy such as nginx would otherwise hold the chunks back until its buffers fill.
    response.headers["X-Accel-Buffering"] = "no"
    return response


@blueprint.get("/grades.<kind>")
@cohort_staff_required
def grades(cohort_id: int, kind: str) -> ResponseReturnValue:
    """The progress table as a spreadsheet: one row per learner, status and best per module."""
    cohort = cohort_or_404(cohort_id)
    course = live_course().course
    report: CohortProgress = cohort_progress(db_session(), cohort, course, _filters(every_row=True))
    header = [_("Name"), _("Email"), _("Country"), _("Institution"), _("Modules completed")]
    status, best, attempts = _("Status"), _("Best score (%)"), _("Attempts")
    for module in course.modules:
        header += [
            f"{module.number}. {status}",
            f"{module.number}. {best}",
            f"{module.number}. {attempts}",
        ]
    labels = {
        "completed": _("completed"),
        "in_progress": _("in progress"),
        "not_started": _("not started"),
    }
    overdue = _("overdue")

    def rows() -> Iterator[list[object]]:
        for row in report.rows:
            line: list[object] = [
                row.name,
                row.email,
                row.country,
                row.institution,
                row.modules_completed,
            ]
            for cell in row.cells:
                label = labels[cell.status]
                line += [
                    f"{label}, {overdue}" if cell.overdue else label,
                    cell.best_percent,
                    cell.attempts,
                ]
            yield line

    name = _("grades")
    return _download(f"{cohort.name} - {name}", kind, header, rows())


@blueprint.get("/responses.<kind>")
@cohort_staff_required
def responses(cohort_id: int, kind: str) -> ResponseReturnValue:
    """Every answer of every quiz attempt, one row each, streamed in constant memory."""
    cohort = cohort_or_404(cohort_id)
    header = [
        _("Name"),
        _("Email"),
        _("Module"),
        _("Attempt"),
        _("Submitted"),
        _("Language"),
        _("Question"),
        _("Answer"),
        _("Points"),
        _("Out of"),
    ]
    rows = answers.response_rows(db_session(), cohort)
    name = _("responses")
    return _download(f"{cohort.name} - {name}", kind, header, rows)


@blueprint.get("/items/<module_slug>")
@cohort_staff_required
def items(cohort_id: int, module_slug: str) -> ResponseReturnValue:
    """Moodle's quiz statistics for each question of a module quiz, per language."""
    cohort = cohort_or_404(cohort_id)
    module = live_course().course.module(module_slug)
    if module is None or module.quiz is None:
        abort(404)
    every_attempt = request.args.get("attempts") == "all"
    specs, records = answers.analysis_input(
        db_session(), cohort, module, first_only=not every_attempt
    )
    by_language = analyse_by_language(specs, records, first_only=not every_attempt)
    return render_template(
        "reports/items.html",
        cohort=cohort,
        module=module,
        by_language=by_language,
        every_attempt=every_attempt,
    )


def learner_or_404(cohort: Cohort, user_id: int) -> User:
    """A person enrolled in the cohort (active or not), or 404."""
    session = db_session()
    user = session.get(User, user_id)
    if user is None or cohorts.enrollment_of(session, cohort, user_id) is None:
        abort(404)
    return user


def render_learner(cohort: Cohort, user: User, *, extension: dict[str, Any] | None = None) -> str:
    """The learner page; `extension` brings back a refused extension form with its errors."""
    session = db_session()
    course = live_course().course
    lang = content_language()
    extended = latest_extensions(session, user_id=user.id, cohort_id=cohort.id)
    return render_template(
        "reports/learner.html",
        cohort=cohort,
        record=learner_record(session, user, course, lang),
        course=course,
        lang=lang,
        progress=course_progress(session, user.id, course),
        max_extra=MAX_EXTRA,
        deadlines=cohort_deadlines(session, cohort),
        extended={slug: due for (_u, _c, slug), due in extended.items()},
        extensions=extensions_of(session, cohort, user.id),
        extension=extension or {},
    )


@blueprint.get("/learners/<int:user_id>")
@cohort_staff_required
def learner(cohort_id: int, user_id: int) -> ResponseReturnValue:
    """One learner: lessons with dates, every attempt answer by answer, grants, deadlines."""
    cohort = cohort_or_404(cohort_id)
    return render_learner(cohort, learner_or_404(cohort, user_id))


@blueprint.post("/learners/<int:user_id>/attempts")
@cohort_staff_required
def grant(cohort_id: int, user_id: int) -> ResponseReturnValue:
    """Give the learner extra attempts at a module quiz, saying why (audited)."""
    cohort = cohort_or_404(cohort_id)
    user = learner_or_404(cohort, user_id)
    module = live_course().course.module(request.form.get("module", ""))
    if module is None or module.quiz is None:
        abort(404)
    try:
        extra = int(request.form.get("extra", "1"))
    except ValueError:
        extra = 0
    account = current_account()
    assert account is not None
    try:
        grant_attempts(
            db_session(), user, module.slug, extra, request.form.get("reason", ""), account.id
        )
    except GrantRefused as refused:
        db_session().rollback()
        flash(
            _("Say why you grant the attempts: it is kept with the grant.")
            if refused.reason == "reason"
            else _("Grant from 1 to %(most)s attempts at a time.", most=MAX_EXTRA),
            "error",
        )
    else:
        db_session().commit()
        flash(
            ngettext(
                "%(num)s extra attempt granted to %(name)s.",
                "%(num)s extra attempts granted to %(name)s.",
                extra,
                name=user.name,
            ),
            "success",
        )
    return redirect(url_for(".learner", cohort_id=cohort.id, user_id=user.id))
