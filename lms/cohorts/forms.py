"""Forms for creating cohorts and signing up through an invitation."""

from __future__ import annotations

from wtforms import DateField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Optional

from lms.forms import Form
from lms.i18n import lazy_gettext
from lms.input_limits import fits, single_line
from lms.models import Cohort, User
from lms.validators import email_address, password_length, strip


class CohortForm(Form):
    """Name and optional start date of a cohort."""

    name = StringField(
        lazy_gettext("Name"),
        description=lazy_gettext('For example "39th edition, March 2017".'),
        filters=[strip],
        validators=[
            DataRequired(lazy_gettext("Give the cohort a name.")),
            single_line,
            fits(Cohort.name),
        ],
    )
    starts_on = DateField(
        lazy_gettext("Start date (optional)"),
        validators=[Optional()],
    )


class SignupForm(Form):
    """A new learner account: name, email and the password twice."""

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
    email = StringField(
        lazy_gettext("Email"),
        filters=[strip],
        validators=[
            DataRequired(lazy_gettext("Enter your email address.")),
            single_line,
            fits(User.email),
            email_address,
        ],
    )
    password = PasswordField(
        lazy_gettext("Password"),
        validators=[InputRequired(lazy_gettext("Choose a password.")), password_length],
    )
    confirm = PasswordField(
        lazy_gettext("Password again"),
        validators=[
            InputRequired(lazy_gettext("Type the password a second time.")),
            EqualTo("password", lazy_gettext("The two passwords are not the same.")),
        ],
    )
