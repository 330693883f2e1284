"""First start of a server: database, first administrator and course content."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask

from lms import audit
from lms.auth import services as accounts
from lms.db import db_session
from lms.models import Role
from lms.models.types import utcnow
from lms.start_lock import one_start_at_a_time

FIRST_ADMIN_EMAIL = "admin@example.org"
# The audit action that marks the account bootstrap made (and each new password it gave it).
FIRST_ADMIN_ACTION = "account.first_admin"
# Servers started together on one database run their starts one after another within this
# time: only the first makes (and shows) a password, so the one an operator copies works.
RECENTLY_SHOWN = timedelta(minutes=2)


class CourseFolderMissing(RuntimeError):
    """LMS_CONTENT_PATH names no folder, and the database holds no course to serve instead."""


@dataclass(frozen=True)
class BootstrapReport:
    """What bootstrap() did, for the message `lms serve` prints."""

    admin_email: str | None
    # Set when the first admin's password was made by this start; it is stored nowhere.
    admin_password: str | None
    # True when another start showed the unused first admin's password moments ago (servers
    # started together): it is left as it is, so that password keeps working.
    shown_by_another_start: bool = False


def bootstrap(app: Flask) -> BootstrapReport:
    """Upgrade the database, load the course, then make sure someone can sign in as admin.

    The admin comes last: a start that fails on the course (a wrong LMS_CONTENT_PATH) must not
    leave an account behind whose password scrolled away with the error. Servers starting
    together on one database take turns (lms.start_lock).
    """
    from lms import migrate  # Alembic: only where the database is prepared (lms.start_apart)

    with one_start_at_a_time(app):
        migrate.upgrade(app)
        load_initial_content(app)
        with app.app_context():
            report = _ensure_first_admin(app)
            db_session().commit()
    return report


def _ensure_first_admin(app: Flask) -> BootstrapReport:
    """Create admin@example.org with a random password when the database has no users.

    Until that account is first used, every start gives it a new password and shows it, so a
    start that failed after this step (say, the port was taken) loses nothing.
    """
    session = db_session()
    if accounts.count_users(session) > 0:
        return _reissue_unused_first_admin(app)
    password = _new_password(app)
    try:
        user = accounts.create_user(
            session,
            email=FIRST_ADMIN_EMAIL,
            name="Administrator",
            password=password,
            role=Role.ADMIN,
            ui_language=app.config["LMS_DEFAULT_LANGUAGE"],
            min_password_length=app.config["LMS_MIN_PASSWORD_LENGTH"],
        )
    except accounts.EmailTaken:
        # Another process starting at the same moment created it first.
        return BootstrapReport(admin_email=None, admin_password=None)
    audit.record(session, None, FIRST_ADMIN_ACTION, f"user {user.id}")
    return BootstrapReport(admin_email=FIRST_ADMIN_EMAIL, admin_password=password)


def _new_password(app: Flask) -> str:
    # token_urlsafe(n) has about 1.3 n characters: at least 16, and never below the minimum.
    return secrets.token_urlsafe(max(12, app.config["LMS_MIN_PASSWORD_LENGTH"]))


def _reissue_unused_first_admin(app: Flask) -> BootstrapReport:
    """A new password for the first admin if nothing happened to the account since it was made.

    Any later event about it (a sign-in, a password set from the command line) means someone
    holds a working password, and it is left alone.
    """
    session = db_session()
    user = accounts.find_user_by_email(session, FIRST_ADMIN_EMAIL)
    if user is None or user.role is not Role.ADMIN:
        return BootstrapReport(admin_email=None, admin_password=None)
    about = audit.about_user(session, user.id)
    if not about or about[-1][0].action != FIRST_ADMIN_ACTION or audit.has_acted(session, user.id):
        return BootstrapReport(admin_email=None, admin_password=None)
    if about[-1][0].at > utcnow() - RECENTLY_SHOWN:
        return BootstrapReport(FIRST_ADMIN_EMAIL, admin_password=None, shown_by_another_start=True)
    password = _new_password(app)
    accounts.set_password(session, user, password)
    audit.record(session, None, FIRST_ADMIN_ACTION, f"user {user.id}", reissued=True)
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
            raise CourseFolderMissing(
                f"No course folder at {root.resolve()} (LMS_CONTENT_PATH): set LMS_CONTENT_PATH "
                "to the absolute path of the course's modules folder. No account was created."
            )
        publish(session, read_tree(root), label=root.name, note="initial content")
        session.commit()
