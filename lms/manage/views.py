"""The management area: its start page and the user list (administrators)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from lms.auth import deletion
from lms.auth import services as accounts
from lms.auth.access import admin_required, staff_required
from lms.auth.forms import ButtonForm
from lms.auth.identity import current_account
from lms.auth.labels import role_label
from lms.db import db_session
from lms.i18n import gettext as _
from lms.manage.forms import CarryOutDeletionForm, DeclineDeletionForm, RoleForm
from lms.models import Role, User

blueprint = Blueprint("manage", __name__, url_prefix="/manage")


def _actor_id() -> int | None:
    actor = current_account()
    return actor.id if actor is not None else None


@blueprint.route("")
@staff_required
def index() -> ResponseReturnValue:
    """List the management sections this person may use."""
    return render_template("manage/index.html")


@blueprint.route("/users")
@admin_required
def users() -> ResponseReturnValue:
    """List every account with forms to change its role and send a password reset link,
    and the pending deletion requests with forms to carry each out or decline it."""
    session = db_session()
    people = accounts.list_users(session)
    forms = {user.id: RoleForm(prefix=f"user-{user.id}", role=user.role.value) for user in people}
    reset_forms = {user.id: ButtonForm(prefix=f"reset-{user.id}") for user in people}
    requests = deletion.pending_requests(session)
    asking = [user.id for _request, user in requests]
    decline_forms = {id_: DeclineDeletionForm(prefix=f"decline-{id_}") for id_ in asking}
    delete_forms = {id_: CarryOutDeletionForm(prefix=f"delete-{id_}") for id_ in asking}
    return render_template(
        "manage/users.html",
        users=people,
        forms=forms,
        reset_forms=reset_forms,
        deletion_requests=requests,
        decline_forms=decline_forms,
        delete_forms=delete_forms,
    )


@blueprint.route("/users/<int:user_id>/role", methods=["POST"])
@admin_required
def change_role(user_id: int) -> ResponseReturnValue:
    """Give one account a new role."""
    user = db_session().get(User, user_id)
    if user is None:
        abort(404)
    form = RoleForm(prefix=f"user-{user.id}")
    if not form.validate_on_submit():
        abort(400)
    try:
        accounts.change_role(db_session(), user, Role(form.role.data), _actor_id())
    except accounts.LastAdmin:
        flash(
            _(
                "%(name)s is the only administrator. Make someone else an administrator first.",
                name=user.name,
            ),
            "error",
        )
    else:
        db_session().commit()
        flash(
            _("The role of %(name)s is now: %(role)s.", name=user.name, role=role_label(user.role)),
            "success",
        )
    return redirect(url_for("manage.users"))
