"""Notifications: one row per step and channel; the row is also the sender's queue (as in Notify)."""

import uuid
from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from onevisit.db import Base, new_id, utcnow

# The GOV.UK Notify lifecycle. Only `created` is picked by the sender; `sending` means handed to
# the provider; the last four are final.
CREATED, SENDING, DELIVERED = "created", "sending", "delivered"
TEMPORARY_FAILURE, PERMANENT_FAILURE, TECHNICAL_FAILURE = "temporary-failure", "permanent-failure", "technical-failure"
FINAL_STATUSES = (DELIVERED, TEMPORARY_FAILURE, PERMANENT_FAILURE, TECHNICAL_FAILURE)


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("reference", "channel", name="uq_notifications_reference_channel"),
        Index("ix_notifications_due", "status", "next_attempt_at"),
        Index("ix_notifications_inbox", "recipient_subject", "channel", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    # What this notification is about, unique per channel: `application:<id>:<step>`, `ticket:<id>:<step>`.
    reference: Mapped[str] = mapped_column(String(200))
    step: Mapped[str] = mapped_column(String(100))
    application_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    recipient_subject: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    to: Mapped[str | None] = mapped_column(String(64), default=None)
    template_code: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=CREATED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    provider: Mapped[str | None] = mapped_column(String(32), default=None)
    provider_reference: Mapped[str | None] = mapped_column(String(100), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    read_at: Mapped[datetime | None] = mapped_column(default=None)
