"""Cohorts (course editions) and who is enrolled in them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base
from lms.models.types import UTCDateTime, utcnow
from lms.models.user import User


class Cohort(Base):
    """One edition of the course, joined through its invitation link."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date | None]
    invite_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Due dates are entered and shown in this IANA time zone (officials span five of them).
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # Days before a due date to remind learners who have not finished (0: no reminder).
    remind_days_before: Mapped[int] = mapped_column(default=3, server_default="3")
    # Whether learners who missed a due date are told once, the day it passes.
    remind_overdue: Mapped[bool] = mapped_column(default=True, server_default=sa_true())

    def __repr__(self) -> str:
        return f"<Cohort {self.id} {self.name!r}>"


class Enrollment(Base):
    """A user's membership of a cohort; the unique key makes joining twice harmless."""

    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("user_id", "cohort_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A deactivated learner keeps every record but no longer counts in the cohort's reports.
    active: Mapped[bool] = mapped_column(default=True, server_default=sa_true())

    # lazy="raise": pages load what they show with explicit joins, so the number of SQL
    # statements per page cannot grow with the number of enrollments.
    user: Mapped[User] = relationship(lazy="raise")
    cohort: Mapped[Cohort] = relationship(lazy="raise")


class CohortInstructor(Base):
    """An instructor who runs a cohort: sees its learners, reports and invitations."""

    __tablename__ = "cohort_instructors"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
