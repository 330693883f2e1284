"""Administrators acting on accounts from the users page: reset links and deletion requests."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask.typing import ResponseReturnValue

from lms import audit
from lms.auth import account_mail, deletion, reset
from lms.auth import services as accounts
from lms.auth.access import admin_required
from lms.auth.forms import ButtonForm
from lms.auth.identity import current_account
from lms.auth.reset_views import reset_mail
from lms.db import db_session
from lms.i18n import gettext as _
from lms.manage.forms import CarryOutDeletionForm, DeclineDeletionForm
from lms.manage.views import blueprint
from lms.models import User


def _admin_id() -> int:
    admin = current_account()
    assert admin is not None
    return admin.id


def _user_or_404(user_id: int) -> User:
    user = db_session().get(User, user_id)
    if user is None:
        abort(404)
    return user


def _back() -> ResponseReturnValue:
    return redirect(url_for("manage.users"))


@blueprint.route("/users/<int:user_id>/password-reset", methods=["POST"])
@admin_required
def send_password_reset(user_id: int) -> ResponseReturnValue:
    """Mail the person the forgotten-password link, in their language; once per ten minutes."""
    user = _user_or_404(user_id)
    if not ButtonForm(prefix=f"reset-{user.id}").validate_on_submit():
        abort(400)
    session = db_session()
    queued = reset.send_link(session, user, current_app.config["SECRET_KEY"], reset_mail)
    if queued:
        audit.record(session, _admin_id(), "account.reset_link", f"user {user.id}")
    session.commit()
    if queued:
        message = _(
            "A link to choose a new password has been queued for %(email)s. It works once and "
            "for two hours.",
            email=user.email,
        )
    else:
        message = _(
            "A link to choose a new password was already queued for %(email)s in the last ten "
            "minutes; it still works, so no other one was sent.",
            email=user.email,
        )
    flash(message, "success")
    return _back()


@blueprint.route("/users/<int:user_id>/deletion/decline", methods=["POST"])
@admin_required
def decline_deletion(user_id: int) -> ResponseReturnValue:
    """Keep the account; its owner is told why by email."""
    user = _user_or_404(user_id)
    form = DeclineDeletionForm(prefix=f"decline-{user.id}")
    if not form.validate_on_submit():
        flash(_("Say why the request is declined: the person reads it."), "error")
        return _back()
    try:
        deletion.decline(
            db_session(), user.id, _admin_id(), form.reason.data, account_mail.deletion_declined
        )
    except deletion.NotPending:
        return _not_pending(user)
    db_session().commit()
    flash(
        _("The request of %(name)s was declined; they have been told why.", name=user.name),
        "success",
    )
    return _back()


@blueprint.route("/users/<int:user_id>/deletion/carry-out", methods=["POST"])
@admin_required
def carry_out_deletion(user_id: int) -> ResponseReturnValue:
    """Delete the account and the personal data that goes with it."""
    user = db_session().get(User, user_id)
    if user is None:  # a second click on the button: the first one deleted it
        flash(_("This account has already been deleted."), "info")
        return _back()
    form = CarryOutDeletionForm(prefix=f"delete-{user.id}")
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm that the account is to be deleted."), "error")
        return _back()
    try:
        name = deletion.carry_out(db_session(), user.id, _admin_id(), account_mail.account_deleted)
    except deletion.NotPending:
        return _not_pending(user)
    except accounts.LastAdmin:
        flash(
            _(
                "%(name)s is the only administrator. Make someone else an administrator first.",
                name=user.name,
            ),
            "error",
        )
        return _back()
    db_session().commit()
    flash(_("The account of %(name)s has been deleted; they have been told.", name=name), "success")
    return _back()


def _not_pending(user: User) -> ResponseReturnValue:
    flash(
        _(
            "%(name)s has no pending request any more (withdrawn or already decided).",
            name=user.name,
        ),
        "info",
    )
    return _back()
