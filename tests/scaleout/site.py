"""A site of its own for the two instances: a PostgreSQL database, a course and accounts.

The database sits beside the one LMS_TEST_DATABASE_URL names (same server, name + "_two"), so
the servers never meet the tables the other tests empty and refill. It starts empty: the two
instances prepare it themselves on their first start, together, as two machines do
(migrations, the course in LMS_CONTENT_PATH, the first administrator). It is dropped at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from lms import create_app
from lms.auth import services as accounts
from lms.db import db_session, get_engine, make_engine
from lms.models import Role
from tests.content.helpers import QUIZ, quiz, small_course, write_tree

LEARNERS = 4
PASSWORD = "correct horse battery"
# Unlimited attempts: the concurrency test submits many forms per learner.
COURSE = small_course(quiz__es__md=quiz(QUIZ, attempts=0), quiz__en__md=quiz(QUIZ, attempts=0))
MODULE = "understanding-migration"
LESSON_FILE = "01-understanding-migration/01-key-concepts.es.md"
LESSON_PAGE = f"/learn/{MODULE}/key-concepts"
QUIZ_PAGE = f"/learn/{MODULE}/quiz"
# Right answers to the quiz's two questions (their form fields).
ANSWERS = {"q-m1-q1": "1951", "q-m1-q2": "true"}


@dataclass(frozen=True)
class Account:
    """Who signs in, and with what."""

    email: str
    password: str


@dataclass(frozen=True)
class Accounts:
    """An instructor, who edits and publishes the course; learners; accounts others guess at."""

    instructor: Account
    learners: list[Account]
    # Wrong passwords are tried for these; a known address costs a cheap hash check where an
    # unknown one costs a check at the full cost (so as to take as long as a known one).
    guessed: list[Account]


def own_database_url(test_database_url: str) -> str:
    """The URL of the database beside the test database."""
    url = make_url(test_database_url)
    name = f"{url.database}_two"
    assert len(name) <= 63, f"database name {name!r} is longer than PostgreSQL allows"
    return url.set(database=name).render_as_string(hide_password=False)


def recreate_database(url: str, *, create: bool = True) -> None:
    """Drop the database of `url` (closing its connections) and create it empty again."""
    target = make_url(url)
    server = make_engine(target.set(database="postgres").render_as_string(hide_password=False))
    quoted = '"' + str(target.database).replace('"', '""') + '"'
    try:
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
            if create:
                connection.execute(text(f"CREATE DATABASE {quoted}"))
    finally:
        server.dispose()


def write_course(folder: Path) -> Path:
    """The course folder the instances publish on their first start (LMS_CONTENT_PATH)."""
    return write_tree(COURSE, folder / "modules")


def add_accounts(url: str, folder: Path) -> Accounts:
    """Add the accounts the tests sign in with to a site that has started.

    The first administrator the start made is not used: each start gives it a new password
    until its first sign-in.
    """
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "unused", "INSTANCE_PATH": str(folder)})
    instructor = Account("instructor@example.org", PASSWORD)
    learners = [Account(f"learner{n}@example.org", PASSWORD) for n in range(1, LEARNERS + 1)]
    guessed = [Account(f"guessed{n}@example.org", PASSWORD) for n in (1, 2)]
    people = [
        (instructor, Role.INSTRUCTOR),
        *((account, Role.LEARNER) for account in (*learners, *guessed)),
    ]
    # Cheap hashes for the accounts made here; the servers redo them at the first sign-in.
    with pytest.MonkeyPatch.context() as patch, app.app_context():
        patch.setattr(accounts, "PASSWORD_METHOD", "scrypt:1024:8:1")
        for number, (account, role) in enumerate(people):
            accounts.create_user(
                db_session(),
                email=account.email,
                name=f"Person {number}",
                password=account.password,
                role=role,
                min_password_length=1,
            )
        db_session().commit()
    get_engine(app).dispose()
    return Accounts(instructor, learners, guessed)
