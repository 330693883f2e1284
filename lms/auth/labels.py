"""Role names as people read them."""

from __future__ import annotations

from lms.i18n import lazy_gettext
from lms.models import Role

ROLE_LABELS: dict[Role, str] = {
    Role.LEARNER: lazy_gettext("Learner"),
    Role.INSTRUCTOR: lazy_gettext("Instructor"),
    Role.ADMIN: lazy_gettext("Administrator"),
}


def role_label(role: Role) -> str:
    """Return the translated name of `role`."""
    return str(ROLE_LABELS[role])
