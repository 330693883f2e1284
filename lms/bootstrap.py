"""First start of a server: database, first administrator and course content."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import Flask

from lms import migrate
from lms.auth import services as accounts
from lms.db import db_session
from lms.models import Role

FIRST_ADMIN_EMAIL = "admin@example.org"


@dataclass(frozen=True)
class BootstrapReport:
    """What bootstrap() did, for the message `lms serve` prints."""

    admin_email: str | None
    # Only set when the account was created just now; it is shown once and stored nowhere.
    admin_password: str | None


def bootstrap(app: Flask) -> BootstrapReport:
    """Upgrade the database, create a first admin if there are no users, load the course."""
    migrate.upgrade(app)
    with app.app_context():
        report = _ensure_first_admin(app)
        db_session().commit()
    load_initial_content(app)
    return report


def _ensure_first_admin(app: Flask) -> BootstrapReport:
    """Create admin@example.org with a random password when the database has no users."""
    session = db_session()
    if accounts.count_users(session) > 0:
        return BootstrapReport(admin_email=None, admin_password=None)
    minimum = app.config["LMS_MIN_PASSWORD_LENGTH"]
    # token_urlsafe(n) has about 1.3 n characters: at least 16, and never below the minimum.
    password = secrets.token_urlsafe(max(12, minimum))
    try:
        accounts.create_user(
            session,
            email=FIRST_ADMIN_EMAIL,
            name="Administrator",
            password=password,
            role=Role.ADMIN,
            ui_language=app.config["LMS_DEFAULT_LANGUAGE"],
            min_password_length=minimum,
        )
    except accounts.EmailTaken:
        # Another process starting at the same moment created it first.
        return BootstrapReport(admin_email=None, admin_password=None)
    return BootstrapReport(admin_email=FIRST_ADMIN_EMAIL, admin_password=password)


def load_initial_content(app: Flask) -> None:
    """Publish the course shipped in LMS_CONTENT_PATH when the database holds no version yet."""
    from pathlib import Path

    from lms.content import read_tree
    from lms.courses.services import current_version, publish

    with app.app_context():
        session = db_session()
        if current_version(session) is not None:
            return
        root = Path(app.config["LMS_CONTENT_PATH"])
        if not root.is_dir():
            raise RuntimeError(
                f"No course content at {root}: set LMS_CONTENT_PATH to the modules "
                "folder, or import later with `lms content import PATH`."
            )
        publish(session, read_tree(root), label=root.as_posix(), note="initial content")
        session.commit()
