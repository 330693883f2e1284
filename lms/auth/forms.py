"""Sign-in, password and account forms."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired

from lms.forms import Form
from lms.i18n import CONTENT_LANGUAGES, LANGUAGE_NAMES, LANGUAGES, lazy_gettext
from lms.validators import password_length, strip


class LoginForm(Form):
    """Email, password and "remember me"."""

    email = StringField(
        lazy_gettext("Email"),
        filters=[strip],
        validators=[DataRequired(lazy_gettext("Enter your email address."))],
    )
    password = PasswordField(
        lazy_gettext("Password"),
        validators=[InputRequired(lazy_gettext("Enter your password."))],
    )
    remember = BooleanField(lazy_gettext("Keep me signed in on this device for two weeks"))
    next = HiddenField()


class ResetPasswordForm(Form):
    """The new password twice."""

    new_password = PasswordField(
        lazy_gettext("New password"),
        validators=[InputRequired(lazy_gettext("Choose a new password.")), password_length],
    )
    confirm = PasswordField(
        lazy_gettext("New password again"),
        validators=[
            InputRequired(lazy_gettext("Type the new password a second time.")),
            EqualTo("new_password", lazy_gettext("The two new passwords are not the same.")),
        ],
    )


class ChangePasswordForm(ResetPasswordForm):
    """The current password once and the new one twice."""

    current_password = PasswordField(
        lazy_gettext("Current password"),
        validators=[InputRequired(lazy_gettext("Enter your current password."))],
    )


class ForgotPasswordForm(Form):
    """The email address of the account whose password was forgotten."""

    email = StringField(
        lazy_gettext("Email"),
        filters=[strip],
        validators=[DataRequired(lazy_gettext("Enter your email address."))],
    )


AUTO = "auto"


def _language_choice(code: str) -> SelectChoice:
    """An option naming a language in itself, marked with its lang for screen readers."""
    return SelectChoice(code, LANGUAGE_NAMES[code], render_kw={"lang": code})


class LanguagesForm(Form):
    """Interface language and content language on the account page."""

    ui_language = SelectField(
        lazy_gettext("Interface language"),
        choices=[_language_choice(code) for code in LANGUAGES],
    )
    content_language = SelectField(
        lazy_gettext("Course content language"),
        description=lazy_gettext(
            "The course is written in Spanish and English. With the interface in Portuguese, "
            "“Same as the interface” shows it in Spanish."
        ),
        choices=[
            SelectChoice(AUTO, lazy_gettext("Same as the interface")),
            *(_language_choice(code) for code in CONTENT_LANGUAGES),
        ],
    )
