"""Mail waiting to be sent: written with what it announces, delivered later by the worker."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base
from lms.models.types import UTCDateTime, utcnow


class MailStatus(enum.StrEnum):
    """Where a message is: waiting (also between retries), being sent, sent, or given up."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Base):
    """One email to deliver, with its delivery attempts; rows are kept as the delivery record."""

    __tablename__ = "outbox"
    # The worker looks for due messages by status and time.
    __table_args__ = (Index("ix_outbox_status_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # invitation, password_reset, reminder...
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[MailStatus] = mapped_column(
        Enum(
            MailStatus,
            name="mail_status",
            native_enum=False,
            create_constraint=True,
            length=12,
            values_callable=lambda statuses: [status.value for status in statuses],
        ),
        default=MailStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set while a worker holds the message, so a worker that died mid-send is noticed.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
