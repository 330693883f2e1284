"""The base class of every form: Flask-WTF with its CSRF field."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_wtf import FlaskForm
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError


class Form(FlaskForm):  # type: ignore[misc]  # Flask-WTF ships no type information
    """A form with a CSRF token; subclasses declare WTForms fields."""

    class Meta(FlaskForm.Meta):  # type: ignore[misc]
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            """Read fields from the form body only, never from JSON.

            Flask-WTF also fills forms from a JSON body, whose numbers, lists and nulls the
            fields' string filters and validators do not expect; browsers send forms as forms.
            """
            if request.is_json and not request.form and not request.files:
                return None
            return super().wrap_formdata(form, formdata)


def csrf_token_valid() -> bool:
    """Check a form's CSRF token by hand, for views exempt from the global check.

    Such views keep what was sent when the token expired (a long quiz, a publish message)
    and show the form again with a fresh token instead of a bare error page.
    """
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return True
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True
