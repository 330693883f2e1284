"""The base class of every form: Flask-WTF with its CSRF field."""

from __future__ import annotations

from flask_wtf import FlaskForm


class Form(FlaskForm):  # type: ignore[misc]  # Flask-WTF ships no type information
    """A form with a CSRF token; subclasses declare WTForms fields."""
