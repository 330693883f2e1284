"""Sign-in, password and account forms."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired

from lms.forms import Form
from lms.i18n import CONTENT_LANGUAGES, LANGUAGE_NAMES, LANGUAGES, lazy_gettext
from lms.input_limits import fits, single_line
from lms.models import EmailChange, User
from lms.validators import email_address, password_length, strip


class LoginForm(Form):
    """Email, password and "remember me"."""

    email = StringField(
        lazy_gettext("Email"),
        filters=[strip],
        validators=[
            DataRequired(lazy_gettext("Enter your email address.")),
            single_line,
            fits(User.email),
        ],
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
        validators=[
            DataRequired(lazy_gettext("Enter your email address.")),
            single_line,
            fits(User.email),
        ],
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


class NameForm(Form):
    """The person's full name."""

    name = StringField(
        lazy_gettext("Full name"),
        description=lazy_gettext("As it should appear on your certificate."),
        filters=[strip],
        validators=[
            DataRequired(lazy_gettext("Enter your name.")),
            single_line,
            fits(User.name),
        ],
    )


class EmailChangeForm(Form):
    """The address to sign in with from now on."""

    email = StringField(
        lazy_gettext("New email address"),
        description=lazy_gettext(
            "We will send a link to it; your address changes when you open that link."
        ),
        filters=[strip],
        validators=[
            DataRequired(lazy_gettext("Enter your new email address.")),
            single_line,
            fits(EmailChange.new_email),
            email_address,
        ],
    )


class DeletionRequestForm(Form):
    """The password, to show that the account's owner is the one asking."""

    password = PasswordField(
        lazy_gettext("Your password"),
        validators=[InputRequired(lazy_gettext("Enter your password to confirm."))],
    )


class ButtonForm(Form):
    """A form that is a single button: only its CSRF token is checked."""
