"""A person's own account: name, email address, a copy of their data, asking to be deleted.

The forms live on the account page; each posts here and, when it has errors, the account page
is shown again with them.
"""

from __future__ import annotations

import math
from datetime import timedelta

import flask_login
from flask import current_app, flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_timedelta

from lms.auth import account_mail, deletion, email_change, export, services, throttle
from lms.auth.access import login_required, public
from lms.auth.forms import ButtonForm, DeletionRequestForm, EmailChangeForm, NameForm
from lms.auth.identity import current_account
from lms.auth.views import (
    INVALID,
    TOO_MANY_REQUESTS,
    account_page,
    blueprint,
    too_many_password_attempts,
)
from lms.db import db_session
from lms.i18n import gettext as _
from lms.models import User
from lms.models.types import utcnow
from lms.reports.spreadsheets import content_disposition

CONFLICT, GONE = 409, 410
MAILS = email_change.Mails(
    confirm=account_mail.email_confirm,
    taken=account_mail.email_taken,
    notice=account_mail.email_notice,
)


def _require_user() -> User:
    """The signed-in user; only for views behind login_required."""
    user = current_account()
    assert user is not None
    return user


@blueprint.route("/account/name", methods=["POST"])
@login_required
def change_name() -> ResponseReturnValue:
    """Save the person's name."""
    user = _require_user()
    form = NameForm(prefix="name")
    if not form.validate_on_submit():
        return account_page(user, INVALID, name_form=form)
    services.set_name(db_session(), user, form.name.data)
    db_session().commit()
    flash(_("Your name has been saved."), "success")
    return redirect(url_for("auth.account"))


@blueprint.route("/account/email", methods=["POST"])
@login_required
def change_email() -> ResponseReturnValue:
    """Send a confirmation link to the new address (and a notice to the current one)."""
    user = _require_user()
    form = EmailChangeForm(prefix="email")
    if not form.validate_on_submit():
        return account_page(user, INVALID, email_form=form)
    session = db_session()
    try:
        change = email_change.request_change(
            session, user, form.email.data, current_app.config["SECRET_KEY"], MAILS
        )
    except email_change.SameAddress:
        form.email.errors.append(_("This is already your email address."))
        return account_page(user, INVALID, email_form=form)
    except email_change.TooSoon as refused:
        form.email.errors.append(
            _(
                "You asked for a change a few minutes ago. You can ask again %(when)s.",
                when=_in_minutes(refused.wait),
            )
        )
        return account_page(user, TOO_MANY_REQUESTS, email_form=form)
    session.commit()
    # The same words whether or not the address has an account: only its owner is told that.
    flash(
        _(
            "We sent a link to %(email)s. Your address changes when you open it, within 24 "
            "hours. Check the spam folder too.",
            email=change.new_email,
        ),
        "success",
    )
    return redirect(url_for("auth.account"))


def _in_minutes(wait: timedelta) -> str:
    """ "in 4 minutes", rounded up so it is never too early."""
    rounded = timedelta(minutes=math.ceil(wait.total_seconds() / 60))
    return str(format_timedelta(rounded, threshold=1, add_direction=True))


@blueprint.route("/account/email/cancel", methods=["POST"])
@login_required
def cancel_email_change() -> ResponseReturnValue:
    """Forget the pending address; its link stops working."""
    user = _require_user()
    if ButtonForm(prefix="cancel-email").validate_on_submit():
        email_change.cancel(db_session(), user)
        db_session().commit()
        flash(_("The change of email address has been cancelled."), "info")
    return redirect(url_for("auth.account"))


@blueprint.route("/account/email/confirm/<token>", methods=["GET", "POST"])
@public("the link mailed to a new address; the signed token is the proof, on any device")
def confirm_email(token: str) -> ResponseReturnValue:
    """Show the new address, and make it the account's when the button is pressed.

    A button rather than the link itself, because mail filters open links to check them.
    """
    session = db_session()
    change = email_change.change_for(session, token, current_app.config["SECRET_KEY"])
    if change is None:
        return render_template("auth/email_link_invalid.html"), GONE
    form = ButtonForm(prefix="confirm")
    if not form.validate_on_submit():
        return render_template("auth/confirm_email.html", form=form, change=change)
    visitor = current_account()
    signed_in_here = visitor is not None and visitor.id == change.user_id
    remembered = current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies
    try:
        user = email_change.confirm(session, change)
    except services.EmailTaken:
        session.rollback()
        return render_template("auth/email_taken.html", email=change.new_email), CONFLICT
    session.commit()
    if signed_in_here:
        # The session version changed; sign in again here so only the other copies expire.
        flask_login.login_user(user, remember=remembered)
        flash(
            _(
                "Your email address is now %(email)s. Other devices have been signed out.",
                email=user.email,
            ),
            "success",
        )
        return redirect(url_for("auth.account"))
    return render_template("auth/email_changed.html", email=user.email)


@blueprint.route("/account/data.json")
@login_required
def data_json() -> ResponseReturnValue:
    """Everything the platform holds about the person, as one JSON file."""
    data = export.personal_data(db_session(), _require_user())
    return _download(export.as_json(data), "application/json", "json")


@blueprint.route("/account/data.zip")
@login_required
def data_zip() -> ResponseReturnValue:
    """The same as CSV files, one per kind of record, in one zip."""
    data = export.personal_data(db_session(), _require_user())
    return _download(export.as_zip(data), "application/zip", "zip")


def _download(body: bytes, mimetype: str, extension: str) -> ResponseReturnValue:
    name = f"my-data-{utcnow():%Y-%m-%d}.{extension}"
    return (
        body,
        200,
        {
            "Content-Type": mimetype,
            "Content-Disposition": content_disposition(name),
            # Personal data: no shared cache or browser history may keep a copy.
            "Cache-Control": "no-store",
        },
    )


@blueprint.route("/account/deletion", methods=["POST"])
@login_required
def request_deletion() -> ResponseReturnValue:
    """Record the request to delete the account, once the password confirms who asks."""
    user = _require_user()
    form = DeletionRequestForm(prefix="deletion")
    if not form.validate_on_submit():
        return account_page(user, INVALID, deletion_form=form)
    try:
        throttle.count_password_attempt(user.email)
    except throttle.TooManyAttempts as limited:
        form.password.errors.append(too_many_password_attempts(limited.retry_after))
        response = make_response(account_page(user, TOO_MANY_REQUESTS, deletion_form=form))
        response.headers["Retry-After"] = str(limited.retry_after)
        return response
    try:
        deletion.request_deletion(db_session(), user, form.password.data)
    except services.InvalidCredentials:
        form.password.errors.append(_("This is not your password."))
        return account_page(user, INVALID, deletion_form=form)
    db_session().commit()
    flash(
        _(
            "Your request has been recorded. An administrator will delete your account and "
            "tell you by email; until then you can withdraw it here."
        ),
        "success",
    )
    return redirect(url_for("auth.account"))


@blueprint.route("/account/deletion/withdraw", methods=["POST"])
@login_required
def withdraw_deletion() -> ResponseReturnValue:
    """Take back a pending request."""
    user = _require_user()
    if ButtonForm(prefix="withdraw").validate_on_submit() and deletion.withdraw(db_session(), user):
        db_session().commit()
        flash(_("Your request has been withdrawn. Your account stays."), "info")
    return redirect(url_for("auth.account"))
