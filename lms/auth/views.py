"""Sign in, sign out, the account page and password change."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import flask_login
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_timedelta

from lms import audit
from lms.auth import deletion, email_change, services, throttle
from lms.auth.access import login_required, public
from lms.auth.forms import (
    AUTO,
    ButtonForm,
    ChangePasswordForm,
    DeletionRequestForm,
    EmailChangeForm,
    LanguagesForm,
    LoginForm,
    NameForm,
)
from lms.auth.identity import current_account
from lms.cohorts.services import cohorts_of
from lms.db import db_session
from lms.forms import Form
from lms.i18n import gettext as _
from lms.i18n.views import set_language_cookie
from lms.models import User
from lms.security import revalidated
from lms.urls import next_or_home

blueprint = Blueprint("auth", __name__)

# Form pages answer 422 when they show errors, so tests and tools can tell it from a first view.
INVALID = 422
TOO_MANY_REQUESTS = 429


def _require_user() -> User:
    """Return the signed-in user; only for views already behind login_required."""
    user = current_account()
    assert user is not None
    return user


@blueprint.route("/login", methods=["GET", "POST"])
@public("the sign-in form")
@revalidated
def login() -> ResponseReturnValue:
    """Show the sign-in form and sign in."""
    form = LoginForm(next=request.args.get("next"))
    if request.method == "GET" and current_account() is not None:
        return redirect(next_or_home(form.next.data))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), INVALID if form.errors else 200
    try:
        throttle.count_sign_in_attempt()
    except throttle.TooManyAttempts as limited:
        return _too_many_attempts(form, limited.retry_after)
    session = db_session()
    try:
        user = services.authenticate(session, form.email.data, form.password.data)
    except services.InvalidCredentials:
        # The address typed is kept (who was targeted); the password never is.
        audit.record(
            session,
            None,
            "auth.sign_in_failed",
            email=form.email.data[:254],
            address=throttle.client_address(),
        )
        session.commit()
        form.form_errors.append(
            _("The email or password is not correct. Check both and try again.")
        )
        return render_template("auth/login.html", form=form), INVALID
    audit.record(
        session, user.id, "auth.sign_in", f"user {user.id}", address=throttle.client_address()
    )
    session.commit()  # also a password hash made again at today's cost
    flask_login.login_user(user, remember=bool(form.remember.data))
    return redirect(next_or_home(form.next.data))


def retry_when(retry_after: int) -> str:
    """ "in 45 seconds", "in 2 minutes": rounded up past the first minute, never too early."""
    wait = retry_after if retry_after < 60 else 60 * math.ceil(retry_after / 60)
    return str(format_timedelta(timedelta(seconds=wait), threshold=1, add_direction=True))


def _too_many_attempts(form: LoginForm, retry_after: int) -> ResponseReturnValue:
    """The sign-in form again, as filled in, saying when to try again (HTTP 429)."""
    when = retry_when(retry_after)
    form.form_errors.append(_("Too many sign-in attempts. Try again %(when)s.", when=when))
    page = render_template("auth/login.html", form=form)
    return page, TOO_MANY_REQUESTS, {"Retry-After": str(retry_after)}


@blueprint.route("/logout", methods=["POST"])
@public("signing out must work with an expired session too")
def logout() -> ResponseReturnValue:
    """Sign out here and everywhere else: copied cookies stop working too."""
    user = current_account()
    if user is not None:
        services.end_all_sessions(db_session(), user)
        audit.record(db_session(), user.id, "auth.sign_out", f"user {user.id}")
        db_session().commit()
    flask_login.logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@blueprint.route("/account", methods=["GET", "POST"])
@login_required
def account() -> ResponseReturnValue:
    """Show the account and save its language settings."""
    user = _require_user()
    form = _languages_form(user)
    if form.validate_on_submit():
        session = db_session()
        services.set_interface_language(session, user, form.ui_language.data)
        chosen = form.content_language.data
        services.set_content_language(session, user, None if chosen == AUTO else chosen)
        session.commit()
        flash(_("Your language settings have been saved."), "success")
        response = redirect(url_for("auth.account"))
        set_language_cookie(response, user.ui_language)
        return response
    return account_page(user, INVALID if form.errors else 200, form=form)


def _languages_form(user: User, **options: Any) -> LanguagesForm:
    return LanguagesForm(
        ui_language=user.ui_language,
        content_language=user.content_language if user.content_language_chosen else AUTO,
        **options,
    )


def account_page(user: User, status: int = 200, **forms: Form) -> ResponseReturnValue:
    """The account page with every form; `forms` are the ones just sent, errors and all.

    The others are made without the request's data: each form posts to its own address and
    carries a prefix, so their fields (and ids) never mix.
    """
    session = db_session()
    blank: dict[str, Form] = {
        "form": _languages_form(user, formdata=None),
        "name_form": NameForm(prefix="name", name=user.name, formdata=None),
        "email_form": EmailChangeForm(prefix="email", formdata=None),
        "cancel_email_form": ButtonForm(prefix="cancel-email", formdata=None),
        "deletion_form": DeletionRequestForm(prefix="deletion", formdata=None),
        "withdraw_form": ButtonForm(prefix="withdraw", formdata=None),
    }
    page = render_template(
        "auth/account.html",
        user=user,
        cohorts=cohorts_of(session, user),
        email_change=email_change.pending_change(session, user),
        deletion_request=deletion.request_of(session, user),
        **(blank | forms),
    )
    return page, status


@blueprint.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """Change the password; other devices are signed out, this one stays signed in."""
    user = _require_user()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            # The account's own address: a stolen session gets no more guesses than sign-in.
            throttle.count_password_attempt(user.email)
        except throttle.TooManyAttempts as limited:
            return _too_many_password_attempts(form, limited.retry_after)
        try:
            services.change_password(
                db_session(),
                user,
                form.current_password.data,
                form.new_password.data,
                min_password_length=current_app.config["LMS_MIN_PASSWORD_LENGTH"],
            )
        except services.InvalidCredentials:
            form.current_password.errors.append(_("This is not your current password."))
        else:
            db_session().commit()
            remembered = current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies
            # The session version changed; sign in again here so only the other copies expire.
            flask_login.login_user(user, remember=remembered)
            flash(
                _("Your password has been changed. Other devices have been signed out."), "success"
            )
            return redirect(url_for("auth.account"))
    status = INVALID if form.errors else 200
    return render_template("auth/change_password.html", form=form), status


def too_many_password_attempts(retry_after: int) -> str:
    """The message for a password form refused by the attempt limits."""
    return _("Too many password attempts. Try again %(when)s.", when=retry_when(retry_after))


def _too_many_password_attempts(form: ChangePasswordForm, retry_after: int) -> ResponseReturnValue:
    form.current_password.errors.append(too_many_password_attempts(retry_after))
    page = render_template("auth/change_password.html", form=form)
    return page, TOO_MANY_REQUESTS, {"Retry-After": str(retry_after)}
