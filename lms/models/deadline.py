"""Module due dates per cohort, per-learner extensions, and the reminders sent about them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base
from lms.models.types import UTCDateTime, utcnow

_USER = "users.id"
_COHORT = "cohorts.id"


class ModuleDeadline(Base):
    """When a cohort's learners are due to complete a module."""

    __tablename__ = "module_deadlines"
    __table_args__ = (UniqueConstraint("cohort_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey(_COHORT, ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(100))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # True: the quiz takes no attempt after the deadline; False: late work is accepted.
    closes: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey(_USER, ondelete="SET NULL"))
    # The platform's address as the instructor reached it: reminder links point there when
    # LMS_BASE_URL is not set (the worker has no request to take it from).
    site_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DeadlineExtension(Base):
    """A later due date an instructor gave one learner, with who gave it and why.

    Extensions are never changed: the newest one for a learner, cohort and module applies,
    and the older ones stay as the record of what was granted.
    """

    __tablename__ = "deadline_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey(_USER, ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey(_COHORT, ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(500))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey(_USER, ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DeadlineReminder(Base):
    """A reminder queued for one learner about one due date; the key makes queueing once-only.

    The due date is part of the key, so a learner whose deadline moves is reminded of the
    new date, and never twice of the same one.
    """

    __tablename__ = "deadline_reminders"
    __table_args__ = (UniqueConstraint("user_id", "cohort_id", "module_slug", "kind", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey(_USER, ondelete="CASCADE"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey(_COHORT, ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # "soon" or "overdue"
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
