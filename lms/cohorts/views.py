"""Managing cohorts (instructors, admins) and joining one through its invitation link."""

from __future__ import annotations

from collections.abc import Callable

import flask_login
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from lms.auth import services as accounts
from lms.auth.access import Scope, public, role_required, staff_required
from lms.auth.identity import current_account
from lms.cohorts import services
from lms.cohorts.forms import CohortForm, SignupForm
from lms.db import db_session
from lms.i18n import current_language
from lms.i18n import gettext as _
from lms.models import Cohort, Role, User
from lms.urls import home_url

blueprint = Blueprint("cohorts", __name__)

MANAGE = "/manage/cohorts"
# Form pages answer 422 when they show errors, so tests and tools can tell it from a first view.
INVALID = 422


def cohort_or_404(cohort_id: int) -> Cohort:
    """The cohort, if the signed-in instructor runs it (administrators run all); else 404."""
    cohort = services.get_cohort(db_session(), cohort_id)
    viewer = current_account()
    if cohort is None or viewer is None or not services.runs(db_session(), viewer, cohort):
        abort(404)
    return cohort


def _runs_cohort(viewer: User, cohort_id: int) -> bool:
    cohort = services.get_cohort(db_session(), cohort_id)
    return cohort is not None and services.runs(db_session(), viewer, cohort)


RUNS_COHORT = Scope("cohort_id", _runs_cohort, "only cohorts the instructor runs")
# Every page under /manage/cohorts/<cohort_id>: staff, and of them only who runs the cohort.
cohort_staff_required = role_required(Role.INSTRUCTOR, Role.ADMIN, scope=RUNS_COHORT)


@blueprint.route(MANAGE)
@staff_required
def index() -> ResponseReturnValue:
    """List every cohort with its number of members."""
    viewer = current_account()
    assert viewer is not None
    return render_template(
        "cohorts/index.html", summaries=services.list_cohorts(db_session(), viewer)
    )


@blueprint.route(f"{MANAGE}/new", methods=["GET", "POST"])
@staff_required
def create() -> ResponseReturnValue:
    """Create a cohort and show its invitation link."""
    form = CohortForm()
    if form.validate_on_submit():
        cohort = services.create_cohort(
            db_session(), form.name.data, form.starts_on.data, created_by=current_account()
        )
        db_session().commit()
        flash(
            _("The cohort has been created. Share its invitation link with the participants."),
            "success",
        )
        return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return render_template("cohorts/create.html", form=form), INVALID if form.errors else 200


@blueprint.route(f"{MANAGE}/<int:cohort_id>")
@cohort_staff_required
def detail(cohort_id: int) -> ResponseReturnValue:
    """Show a cohort, its invitation link and its members."""
    cohort = cohort_or_404(cohort_id)
    members = services.members_of(db_session(), cohort)
    invite_url = url_for("cohorts.join", token=cohort.invite_token, _external=True)
    viewer = current_account()
    assert viewer is not None
    others = [s for s in services.list_cohorts(db_session(), viewer) if s.cohort.id != cohort.id]
    return render_template(
        "cohorts/detail.html",
        cohort=cohort,
        members=members,
        invite_url=invite_url,
        other_cohorts=others,
        instructors=services.instructors_of(db_session(), cohort),
    )


@blueprint.route(f"{MANAGE}/<int:cohort_id>/invite", methods=["POST"])
@cohort_staff_required
def regenerate_invite(cohort_id: int) -> ResponseReturnValue:
    """Replace the invitation link, for when the old one was shared too widely."""
    cohort = cohort_or_404(cohort_id)
    actor = current_account()
    services.regenerate_invite(db_session(), cohort, actor.id if actor else None)
    db_session().commit()
    flash(_("A new invitation link has been created. The old link no longer works."), "success")
    return redirect(url_for("cohorts.detail", cohort_id=cohort.id))


@blueprint.route("/join/<token>", methods=["GET", "POST"])
@public("the cohort's invitation link: newcomers sign up through it")
def join(token: str) -> ResponseReturnValue:
    """Join a cohort: signed-in people confirm, everyone else signs up first."""
    cohort = services.find_by_token(db_session(), token)
    if cohort is None:
        return render_template("cohorts/join_invalid.html"), 404
    user = current_account()
    if user is None:
        return _sign_up_and_join(cohort)
    if request.method == "POST":
        if services.enroll(db_session(), user, cohort):
            db_session().commit()
            flash(_("Welcome to %(cohort)s.", cohort=cohort.name), "success")
        return redirect(home_url())
    enrolled = services.is_enrolled(db_session(), user, cohort)
    return render_template("cohorts/join.html", cohort=cohort, enrolled=enrolled)


def _sign_up_and_join(cohort: Cohort) -> ResponseReturnValue:
    """Create a learner account from the sign-up form, enroll it and sign it in."""
    return sign_up_and_join(
        cohort,
        SignupForm(),
        lambda user: services.enroll(db_session(), user, cohort),
        action=url_for("cohorts.join", token=cohort.invite_token),
    )


def sign_up_and_join(
    cohort: Cohort,
    form: SignupForm,
    join: Callable[[User], object],
    *,
    action: str,
    fixed_email: bool = False,
) -> ResponseReturnValue:
    """Create the learner the form describes, let `join` enroll them and sign them in.

    Shows the form again (422) with its errors, or with a sign-in link when the email has an
    account already.
    """
    email_taken = False
    if form.validate_on_submit():
        try:
            user = create_learner(form)
        except accounts.EmailTaken:
            email_taken = True
        else:
            join(user)
            db_session().commit()
            flask_login.login_user(user)
            flash(_("Your account is ready. Welcome to %(cohort)s.", cohort=cohort.name), "success")
            return redirect(home_url())
    status = INVALID if form.errors or email_taken else 200
    return render_template(
        "cohorts/signup.html",
        cohort=cohort,
        form=form,
        email_taken=email_taken,
        action=action,
        fixed_email=fixed_email,
    ), status


def create_learner(form: SignupForm) -> User:
    """Create the learner account the sign-up form describes, in the current language."""
    return accounts.create_user(
        db_session(),
        email=form.email.data,
        name=form.name.data,
        password=form.password.data,
        ui_language=current_language(),
        min_password_length=current_app.config["LMS_MIN_PASSWORD_LENGTH"],
    )
