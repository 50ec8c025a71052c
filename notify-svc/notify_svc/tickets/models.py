"""12345 hotline tickets (一号服务) and the keyword routing catalogue."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Float, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from onevisit.db import Base, new_id, utcnow

TICKET_TYPES = ("consultation", "query", "suggestion", "complaint", "praise")
OPEN_STATUSES = ("received", "assigned")


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_status_due_at", "status", "due_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    type: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="web")  # phone | web | mini_program | open311
    submitter_subject: Mapped[str] = mapped_column(String(64), index=True)
    contact: Mapped[dict[str, Any]] = mapped_column(default=dict)
    application_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    bundle_code: Mapped[str | None] = mapped_column(String(64), default=None)
    region: Mapped[str] = mapped_column(String(12))
    department: Mapped[str] = mapped_column(String(32), index=True)  # lead department (主办)
    assisting: Mapped[list[Any]] = mapped_column(default=list)  # assisting departments (协办)
    status: Mapped[str] = mapped_column(String(16), default="received")  # received|assigned|replied|closed
    due_at: Mapped[datetime]
    due_estimated: Mapped[bool] = mapped_column(default=False)
    reply: Mapped[str | None] = mapped_column(Text, default=None)
    replied_by: Mapped[str | None] = mapped_column(String(64), default=None)
    replied_at: Mapped[datetime | None] = mapped_column(default=None)
    replied_on_time: Mapped[bool | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    reopened: Mapped[int] = mapped_column(default=0)
    escalation_level: Mapped[int] = mapped_column(default=0)
    escalated_at: Mapped[datetime | None] = mapped_column(default=None)
    merged_into: Mapped[uuid.UUID | None] = mapped_column(default=None)
    duplicates: Mapped[int] = mapped_column(default=0)
    instant_answer: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    return_visit: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    # Every routing, re-routing, send-back, reply, reopen, escalation: {at, actor, action, detail}.
    history: Mapped[list[Any]] = mapped_column(default=list)
    # Open311 fields of a request filed through the facade.
    service_code: Mapped[str | None] = mapped_column(String(32), default=None)
    lat: Mapped[float | None] = mapped_column(Float, default=None)
    long: Mapped[float | None] = mapped_column(Float, default=None)
    address: Mapped[str | None] = mapped_column(String(300), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RoutingRule(Base):
    """A keyword of the routing catalogue and the department it sends tickets to (regional, ordered)."""

    __tablename__ = "routing_rules"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    keyword: Mapped[str] = mapped_column(String(50))
    department: Mapped[str] = mapped_column(String(32))
    region: Mapped[str | None] = mapped_column(String(12), default=None)  # None: every region
    priority: Mapped[int] = mapped_column(default=100)
