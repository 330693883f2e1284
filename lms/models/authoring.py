"""The shared draft of the course that instructors edit in the browser, and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base
from lms.models.types import UTCDateTime, utcnow

_USER = "users.id"


class DraftFile(Base):
    """One file of the draft: what the next published version will hold at this path."""

    __tablename__ = "draft_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(500), unique=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    # The id of the DraftRevision that wrote these bytes (0: copied from a published version).
    # A save names the revision it started from and only succeeds if it is still this one, so
    # two people editing the same file can never overwrite each other silently.
    revision: Mapped[int] = mapped_column(default=0)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey(_USER, ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DraftRevision(Base):
    """One saved state of a draft file (or its deletion), with who saved it and when."""

    __tablename__ = "draft_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(500), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # save, create, delete, move, sync
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    author_id: Mapped[int | None] = mapped_column(ForeignKey(_USER, ondelete="SET NULL"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditEvent(Base):
    """Who changed what and when: every write to course content is recorded here."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey(_USER, ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str] = mapped_column(String(500), default="")
    detail: Mapped[Any] = mapped_column(JSON, default=dict)
