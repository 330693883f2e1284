"""The forms of the user administration page: role, deletion requests."""

from __future__ import annotations

from wtforms import BooleanField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired

from lms.auth.labels import ROLE_LABELS
from lms.forms import Form
from lms.i18n import lazy_gettext
from lms.input_limits import fits
from lms.models import DeletionRequest
from lms.validators import strip


class RoleForm(Form):
    """One select with the three roles."""

    role = SelectField(
        lazy_gettext("Role"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
    )


class DeclineDeletionForm(Form):
    """Why an account is kept: the person reads it in the email that tells them."""

    reason = TextAreaField(
        lazy_gettext("Reason for declining"),
        filters=[strip],
        validators=[
            DataRequired(lazy_gettext("Say why: the person reads it.")),
            fits(DeletionRequest.decline_reason),
        ],
    )


class CarryOutDeletionForm(Form):
    """Deleting cannot be undone: the administrator ticks a box first."""

    confirm = BooleanField(
        lazy_gettext("I understand that the account and its data are deleted for good."),
        validators=[DataRequired(lazy_gettext("Tick the box to confirm."))],
    )
