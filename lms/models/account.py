"""Account changes waiting for someone: a new email address to confirm, a deletion to carry out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base
from lms.models.types import UTCDateTime, utcnow

_USER = "users.id"


class EmailChange(Base):
    """A new sign-in address that takes effect once the link mailed to it is opened.

    One per account (asking again replaces it). The link carries `nonce`, which a new request
    replaces and the confirmation deletes: so only the latest link works, and only once.
    """

    __tablename__ = "email_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey(_USER, ondelete="CASCADE"), unique=True)
    new_email: Mapped[str] = mapped_column(String(254))
    nonce: Mapped[str] = mapped_column(String(32))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DeletionRequest(Base):
    """A person's request to have their account deleted, until an administrator acts on it.

    One per account: carrying it out deletes the account and with it this row; declining keeps
    the row with the reason, which the person sees; asking again makes it pending once more.
    """

    __tablename__ = "deletion_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey(_USER, ondelete="CASCADE"), unique=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    declined_by_id: Mapped[int | None] = mapped_column(ForeignKey(_USER, ondelete="SET NULL"))
    decline_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")

    @property
    def pending(self) -> bool:
        """True until an administrator declines it (carrying it out removes the row)."""
        return self.declined_at is None
