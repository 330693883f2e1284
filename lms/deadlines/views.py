"""Deadline pages for a cohort's instructors: due dates per module, extensions per learner."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from lms import audit
from lms.auth.identity import current_account
from lms.cohorts.views import INVALID, cohort_or_404, cohort_staff_required
from lms.db import db_session
from lms.deadlines import services, zones
from lms.deadlines.form import initial_values, read_deadlines_form, read_moment
from lms.i18n import gettext as _
from lms.learning.context import content_language, live_course
from lms.models import Cohort
from lms.reports.views import learner_or_404, render_learner

blueprint = Blueprint("deadlines", __name__, url_prefix="/manage/cohorts/<int:cohort_id>")


def _actor_id() -> int:
    account = current_account()
    assert account is not None
    return account.id


def site_url() -> str:
    """The platform's address as this request reached it, mount prefix included."""
    return request.host_url.rstrip("/") + request.script_root


@blueprint.route("/deadlines", methods=["GET", "POST"])
@cohort_staff_required
def edit(cohort_id: int) -> ResponseReturnValue:
    """Due dates per module in the cohort's time zone, and the reminders sent about them."""
    cohort = cohort_or_404(cohort_id)
    course = live_course().course
    session = db_session()
    if request.method == "POST":
        form = read_deadlines_form(request.form, course.modules)
        if form.errors:
            return _page(cohort, dict(request.form), form.errors), INVALID
        _save_settings(cohort, form.zone, form.remind_days_before, form.remind_overdue)
        changed = services.save_deadlines(
            session, cohort, form.changes, actor_id=_actor_id(), site_url=site_url()
        )
        session.commit()
        flash(
            _("Deadlines saved.") if changed else _("Settings saved; no due date changed."),
            "success",
        )
        return redirect(url_for(".edit", cohort_id=cohort.id))
    saved = {
        slug: (row.due_at, row.closes)
        for slug, row in services.cohort_deadlines(session, cohort).items()
    }
    values = initial_values(
        cohort.timezone, saved, cohort.remind_days_before, cohort.remind_overdue
    )
    return _page(cohort, values, {})


def _save_settings(cohort: Cohort, zone: str, days: int, overdue: bool) -> None:
    before = (cohort.timezone, cohort.remind_days_before, cohort.remind_overdue)
    if before == (zone, days, overdue):
        return
    cohort.timezone, cohort.remind_days_before, cohort.remind_overdue = zone, days, overdue
    audit.record(
        db_session(),
        _actor_id(),
        "cohort.deadline_settings",
        f"cohort {cohort.id}",
        timezone=zone,
        remind_days_before=days,
        remind_overdue=overdue,
    )


def _page(cohort: Cohort, values: dict[str, str], errors: dict[str, str]) -> str:
    return render_template(
        "deadlines/edit.html",
        cohort=cohort,
        course=live_course().course,
        lang=content_language(),
        values=values,
        errors=errors,
        zone_names=zones.zone_names(),
    )


@blueprint.post("/learners/<int:user_id>/deadline")
@cohort_staff_required
def extend(cohort_id: int, user_id: int) -> ResponseReturnValue:
    """Give one learner a later due date for a module, saying why (kept and audited)."""
    cohort = cohort_or_404(cohort_id)
    user = learner_or_404(cohort, user_id)
    module_slug = request.form.get("module", "")
    errors: dict[str, str] = {}
    moment = read_moment(request.form, "due", "time", cohort.timezone, errors)
    if moment is not None:
        try:
            services.extend_deadline(
                db_session(),
                cohort,
                user,
                module_slug,
                moment,
                request.form.get("reason", ""),
                _actor_id(),
            )
        except services.ExtensionRefused as refused:
            db_session().rollback()
            errors[refused.reason] = {
                "reason": _("Say why you extend the deadline: it is kept with the extension."),
                "no_deadline": _("This module has no due date in this cohort to extend."),
                "not_later": _("An extension must be later than the cohort's due date."),
            }[refused.reason]
    if errors or moment is None:
        extension = {"module": module_slug, "values": dict(request.form), "errors": errors}
        return render_learner(cohort, user, extension=extension), INVALID
    db_session().commit()
    flash(
        _(
            "Deadline extended for %(name)s to %(date)s.",
            name=user.name,
            date=zones.describe(moment, cohort.timezone, content_language()),
        ),
        "success",
    )
    return redirect(url_for("reports.learner", cohort_id=cohort.id, user_id=user.id))
