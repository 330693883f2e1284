"""What each learner has done: lessons, knowledge checks, quiz attempts, place and certificate."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base
from lms.models.types import UTCDateTime, utcnow

_USER = "users.id"
_VERSION = "course_versions.id"


class LessonCompletion(Base):
    """A lesson a learner finished; the unique key makes a double click harmless."""

    __tablename__ = "lesson_completions"
    __table_args__ = (UniqueConstraint("user_id", "module_slug", "lesson_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey(_USER, ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(100))
    lesson_slug: Mapped[str] = mapped_column(String(100))
    version_id: Mapped[int] = mapped_column(ForeignKey(_VERSION))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CheckAnswer(Base):
    """The learner's latest answer to an ungraded knowledge check."""

    __tablename__ = "check_answers"
    __table_args__ = (UniqueConstraint("user_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey(_USER, ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(100))
    version_id: Mapped[int] = mapped_column(ForeignKey(_VERSION))
    response: Mapped[Any] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class QuizAttempt(Base):
    """One submitted module quiz, graded on the server against the version it was taken in."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        # A resent form carries the same token: it can only ever create one attempt.
        UniqueConstraint("submission_token"),
        # Two attempts submitted at once cannot both take the last allowed number.
        UniqueConstraint("user_id", "module_slug", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey(_USER, ondelete="CASCADE"))
    module_slug: Mapped[str] = mapped_column(String(100))
    number: Mapped[int]
    submission_token: Mapped[str] = mapped_column(String(64))
    version_id: Mapped[int] = mapped_column(ForeignKey(_VERSION))
    lang: Mapped[str] = mapped_column(String(8))
    responses: Mapped[Any] = mapped_column(JSON)
    scores: Mapped[Any] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    percent: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool]
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Bookmark(Base):
    """Where a learner last was, for "continue where you left off"."""

    __tablename__ = "bookmarks"

    user_id: Mapped[int] = mapped_column(ForeignKey(_USER, ondelete="CASCADE"), primary_key=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    lesson_slug: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Certificate(Base):
    """Proof that a learner completed the pre-course, verifiable by its public code."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey(_USER, ondelete="CASCADE"), unique=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    version_id: Mapped[int] = mapped_column(ForeignKey(_VERSION))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AttemptGrant(Base):
    """Extra quiz attempts an instructor gave a learner, with who gave them and why."""

    __tablename__ = "attempt_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey(_USER, ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    extra: Mapped[int]
    reason: Mapped[str] = mapped_column(String(500))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey(_USER, ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
