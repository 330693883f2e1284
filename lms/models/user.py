"""Accounts: who may sign in, with which role and languages."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Enum, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from lms.db import Base
from lms.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from lms.models.progress import Bookmark


class Role(enum.StrEnum):
    """What an account may do; stored as its lower-case value."""

    LEARNER = "learner"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


def normalize_email(email: str) -> str:
    """Return the canonical form of an email address (trimmed, lower-cased)."""
    return email.strip().lower()


class User(Base):
    """A person who signs in; also the Flask-Login user object."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            name="role",
            native_enum=False,
            create_constraint=True,
            length=20,
            values_callable=lambda roles: [role.value for role in roles],
        ),
        default=Role.LEARNER,
    )
    ui_language: Mapped[str] = mapped_column(String(8), default="es")
    content_language: Mapped[str] = mapped_column(String(8), default="es")
    # False while content_language just follows the interface language; True once the person
    # picked a content language on their account page, so switching the interface keeps it.
    content_language_chosen: Mapped[bool] = mapped_column(default=False)
    # Part of the id stored in session and remember cookies: bumping it signs out every copy.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Where the learner last was. Read-only here (services.remember_place writes it) and loaded
    # with the account on every request (identity.load_user), so a lesson view knows whether
    # the place changed without a query of its own. Never loaded on access (it raises): read it
    # through services.place_of, which queries when the account came without it.
    bookmark: Mapped[Bookmark | None] = relationship(viewonly=True, lazy="raise")

    @validates("email")
    def _normalize_email(self, _key: str, value: str) -> str:
        """Store emails lower-cased so lookups and the unique key ignore case."""
        return normalize_email(value)

    # Flask-Login's user protocol, written out instead of inheriting the untyped UserMixin.
    @property
    def is_authenticated(self) -> bool:
        """Every stored user is authenticated once loaded from a valid session."""
        return True

    @property
    def is_active(self) -> bool:
        """Accounts are never disabled yet."""
        return True

    @property
    def is_anonymous(self) -> bool:
        """A stored user is never the anonymous user."""
        return False

    def get_id(self) -> str:
        """Return "<id>:<session_version>", so a bumped version invalidates old cookies."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_staff(self) -> bool:
        """True for instructors and admins, who manage cohorts."""
        return self.role in (Role.INSTRUCTOR, Role.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"
