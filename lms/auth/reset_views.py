"""Forgotten password pages: ask for a link by email, then choose a new password."""

from __future__ import annotations

import flask_login
from flask import current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale

from lms import audit
from lms.auth import reset, services
from lms.auth.access import public
from lms.auth.forms import ForgotPasswordForm, ResetPasswordForm
from lms.auth.views import INVALID, blueprint
from lms.db import db_session
from lms.i18n import gettext as _
from lms.i18n import known_language
from lms.mail.message import OutgoingMail
from lms.models import User
from lms.security import revalidated


def reset_mail(user: User, token: str) -> OutgoingMail:
    """The reset email, in the person's interface language."""
    link = url_for("auth.reset_password", token=token, _external=True)
    with force_locale(known_language(user.ui_language)):
        subject = _("Choose a new password")
        text = _(
            "Hello %(name)s,\n\nSomeone (we hope you) asked to choose a new password for the "
            "pre-course platform of the Inter-American Course on International Migration.\n\n"
            "Open this link within two hours to choose it; it works once:\n%(link)s\n\n"
            "If you did not ask for it, ignore this email: your password stays as it is.",
            name=user.name,
            link=link,
        )
    return OutgoingMail(user.email, subject, text, None)


@blueprint.route("/password/forgot", methods=["GET", "POST"])
@public("asking for a reset link: the person cannot sign in")
@revalidated
def forgot_password() -> ResponseReturnValue:
    """Send a reset link; the answer is the same whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        reset.request_reset(
            db_session(), form.email.data, current_app.config["SECRET_KEY"], reset_mail
        )
        db_session().commit()
        return render_template("auth/forgot_sent.html", email=form.email.data)
    status = INVALID if form.errors else 200
    return render_template("auth/forgot_password.html", form=form), status


@blueprint.route("/password/reset/<token>", methods=["GET", "POST"])
@public("the mailed reset link; the signed token is the proof")
def reset_password(token: str) -> ResponseReturnValue:
    """Choose a new password through a valid link; every session of the account ends."""
    session = db_session()
    user = reset.user_for(session, token, current_app.config["SECRET_KEY"])
    if user is None:
        return render_template("auth/reset_invalid.html"), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.set_password(session, user, form.new_password.data)
        audit.record(session, user.id, "account.password_reset", f"user {user.id}")
        session.commit()
        flask_login.login_user(user)
        flash(_("Your password has been changed. Other devices have been signed out."), "success")
        return redirect(url_for("auth.account"))
    status = INVALID if form.errors else 200
    return render_template("auth/reset_password.html", form=form, user=user), status
