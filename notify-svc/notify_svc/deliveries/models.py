"""The one delivery (一窗出件) of an application: every result, delivered once."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from onevisit.db import Base, new_id, utcnow

# pending: the application is being handled; ready: every result is collected; dispatched: the
# courier has it; delivered: picked up, received or issued electronically; cancelled: withdrawn.
DELIVERY_STATUSES = ("pending", "ready", "dispatched", "delivered", "cancelled")
CHANGEABLE_STATUSES = ("pending", "ready")


class Delivery(Base):
    __tablename__ = "deliveries"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    application_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    bundle_code: Mapped[str | None] = mapped_column(String(64), default=None)
    owner_subject: Mapped[str] = mapped_column(String(64), index=True)
    owner_name: Mapped[str | None] = mapped_column(String(100), default=None)
    owner_phone: Mapped[str | None] = mapped_column(String(32), default=None)
    owner_kind: Mapped[str] = mapped_column(String(16), default="person")
    method: Mapped[str] = mapped_column(String(16), default="window")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    outcome: Mapped[str | None] = mapped_column(String(32), default=None)
    results: Mapped[list[Any]] = mapped_column(default=list)
    # Departments handling the application (from task events): 12345 routing and rating statistics.
    departments: Mapped[list[Any]] = mapped_column(default=list)
    pickup_code: Mapped[str | None] = mapped_column(String(16), default=None)
    hall: Mapped[str | None] = mapped_column(String(200), default=None)
    address: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    courier: Mapped[str | None] = mapped_column(String(32), default=None)
    tracking_number: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    tracking: Mapped[list[Any]] = mapped_column(default=list)
    picked_up_by: Mapped[str | None] = mapped_column(String(64), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    ready_at: Mapped[datetime | None] = mapped_column(default=None)
    dispatched_at: Mapped[datetime | None] = mapped_column(default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
