"""Published course versions and the content files each one is made of."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base
from lms.models.types import UTCDateTime, utcnow


class CourseVersion(Base):
    """An immutable, numbered snapshot of the whole course; the highest number is live."""

    __tablename__ = "course_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    # SHA-256 over every path and its bytes: importing unchanged files adds no version.
    digest: Mapped[str] = mapped_column(String(64), index=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    # How the version came to be: "import" (files), "editor" (a published draft), "rollback".
    source: Mapped[str] = mapped_column(String(20), default="import", server_default="import")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ContentFile(Base):
    """One file of a course version, kept byte for byte so export reproduces it exactly."""

    __tablename__ = "content_files"
    __table_args__ = (UniqueConstraint("version_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(500))
    data: Mapped[bytes] = mapped_column(LargeBinary)
