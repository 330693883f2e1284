"""A cohort's participants: deactivate, reactivate, move to another cohort."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from lms import audit
from lms.auth.identity import current_account
from lms.cohorts import services
from lms.cohorts.views import MANAGE, blueprint, cohort_or_404, cohort_staff_required
from lms.db import db_session
from lms.i18n import gettext as _
from lms.input_limits import parse_id
from lms.models import Enrollment, Role, User, normalize_email

MEMBER = f"{MANAGE}/<int:cohort_id>/members/<int:user_id>"


def _enrollment_or_404(cohort_id: int, user_id: int) -> Enrollment:
    cohort = cohort_or_404(cohort_id)
    enrollment = services.enrollment_of(db_session(), cohort, user_id)
    if enrollment is None:
        abort(404)
    return enrollment


def _actor_id() -> int:
    account = current_account()
    assert account is not None
    return account.id


@blueprint.post(f"{MEMBER}/active")
@cohort_staff_required
def set_member_active(cohort_id: int, user_id: int) -> ResponseReturnValue:
    """Deactivate or reactivate a participant; their records stay either way."""
    enrollment = _enrollment_or_404(cohort_id, user_id)
    active = request.form.get("active") == "yes"
    services.set_active(db_session(), enrollment, active, _actor_id())
    db_session().commit()
    flash(_("Participant reactivated.") if active else _("Participant deactivated."), "success")
    return redirect(url_for("cohorts.detail", cohort_id=cohort_id))


@blueprint.post(f"{MEMBER}/move")
@cohort_staff_required
def move_member(cohort_id: int, user_id: int) -> ResponseReturnValue:
    """Move a participant to another cohort this person runs."""
    enrollment = _enrollment_or_404(cohort_id, user_id)
    target_id = parse_id(request.form.get("target", ""))
    if target_id is None:
        abort(400)
    target = cohort_or_404(target_id)
    try:
        services.move(db_session(), enrollment, target, _actor_id())
    except services.MoveRefused as refused:
        db_session().rollback()
        flash(
            _("Not moved: the participant is in that cohort already.")
            if refused.reason == "same"
            else _(
                "Not moved: the participant is enrolled in that cohort too. Deactivate "
                "them here instead."
            ),
            "error",
        )
        return redirect(url_for("cohorts.detail", cohort_id=cohort_id))
    db_session().commit()
    flash(_("Participant moved to %(cohort)s.", cohort=target.name), "success")
    return redirect(url_for("cohorts.detail", cohort_id=target.id))


@blueprint.post(f"{MANAGE}/<int:cohort_id>/instructors")
@cohort_staff_required
def add_instructor(cohort_id: int) -> ResponseReturnValue:
    """Let another instructor run this cohort, found by their email."""
    cohort = cohort_or_404(cohort_id)
    session = db_session()
    email = normalize_email(request.form.get("email", ""))
    user = session.scalars(select(User).where(User.email == email)).first()
    if user is None or user.role != Role.INSTRUCTOR:
        flash(
            _(
                "There is no instructor with the email %(email)s. An administrator can make an "
                "account an instructor under Users.",
                email=email,
            ),
            "error",
        )
        return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    services.add_instructor(session, cohort, user)
    audit.record(
        session, _actor_id(), "cohort.instructor", f"cohort {cohort.id}", instructor=user.id
    )
    session.commit()
    flash(_("%(name)s now runs this cohort too.", name=user.name), "success")
    return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
