"""The role form of the user administration page."""

from __future__ import annotations

from wtforms import SelectChoice, SelectField

from lms.auth.labels import ROLE_LABELS
from lms.forms import Form
from lms.i18n import lazy_gettext


class RoleForm(Form):
    """One select with the three roles."""

    role = SelectField(
        lazy_gettext("Role"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
    )
