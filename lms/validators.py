"""Form validators with messages in the interface language."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app
from wtforms.validators import ValidationError

from lms.i18n import gettext

# Deliberately loose: the only proof an address works is mail reaching it; this catches typos
# such as a missing "@" or domain.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def strip(value: Any) -> Any:
    """Filter: drop the spaces people paste around names and addresses."""
    return value.strip() if isinstance(value, str) else value


def email_address(_form: Any, field: Any) -> None:
    """Require something shaped like an email address."""
    if not EMAIL_PATTERN.match((field.data or "").strip()):
        raise ValidationError(gettext("Enter an email address such as name@example.org."))


def password_length(_form: Any, field: Any) -> None:
    """Require a new password of the configured minimum length that is not a common one."""
    from lms.auth.common_passwords import is_common

    minimum: int = current_app.config["LMS_MIN_PASSWORD_LENGTH"]
    if len(field.data or "") < minimum:
        raise ValidationError(
            gettext(
                "Use at least %(num)d characters. A short sentence is easy to remember.",
                num=minimum,
            )
        )
    if is_common(field.data):
        raise ValidationError(
            gettext(
                "This password is one of the 20,000 most common ones, which are tried first "
                "when guessing. Choose another: a short sentence is easy to remember."
            )
        )
