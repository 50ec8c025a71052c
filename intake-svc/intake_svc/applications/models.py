"""Applications (drafts until submitted), their department tasks as dispatch reports them, and
the timeline of every state change."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from onevisit.db import Base, new_id, utcnow


class Application(Base):
    __tablename__ = "applications"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    bundle_code: Mapped[str] = mapped_column(String(50))
    bundle_name: Mapped[str | None] = mapped_column(String(200), default=None)
    # Pinned at draft time: the application is judged by the catalog it was made under.
    catalog_version: Mapped[int]
    status: Mapped[str] = mapped_column(String(30), index=True, default="draft")
    # Who applies (the owner) and who typed it in: the same person unless a clerk applies (帮办代办).
    applicant_subject: Mapped[str] = mapped_column(String(64), index=True)
    applicant_name: Mapped[str | None] = mapped_column(String(100), default=None)
    applicant_phone: Mapped[str | None] = mapped_column(String(32), default=None)
    applicant_kind: Mapped[str] = mapped_column(String(10), default="person")
    created_by: Mapped[str] = mapped_column(String(64), index=True)
    created_by_role: Mapped[str] = mapped_column(String(20))
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The subset the applicant asked for (None: every applicable item) and what evaluate gave.
    requested_items: Mapped[list[Any] | None] = mapped_column(default=None)
    items: Mapped[list[Any]] = mapped_column(default=list)
    form: Mapped[dict[str, Any]] = mapped_column(default=dict)
    materials: Mapped[list[Any]] = mapped_column(default=list)
    promised_days: Mapped[int | None] = mapped_column(default=None)
    form_data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prefill_sources: Mapped[dict[str, Any]] = mapped_column(default=dict)
    deficiencies: Mapped[list[Any]] = mapped_column(default=list)
    corrections: Mapped[list[Any]] = mapped_column(default=list)
    # The immutable record of what was submitted; never rewritten after submit.
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    # When the open correction request was answered; older correction events are then stale.
    supplemented_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)


class ApplicationTask(Base):
    """One item's department task, as dispatch reports it over events."""

    __tablename__ = "application_tasks"

    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    )
    item_code: Mapped[str] = mapped_column(String(50), primary_key=True)
    task_id: Mapped[uuid.UUID]
    department_code: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    outputs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    licence: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    deadline: Mapped[datetime | None] = mapped_column(default=None)
    # occurred_at of the last event applied: an older event arriving late never overwrites a newer one.
    event_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class TimelineEntry(Base):
    __tablename__ = "application_timeline"

    # An integer key keeps insertion order even when two entries share a timestamp.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    event: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
