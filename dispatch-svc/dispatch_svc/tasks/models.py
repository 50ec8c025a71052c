"""Applications as dispatch sees them, their tasks (one per item) and every task state change."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from onevisit.db import Base, new_id, utcnow

# A task in one of these will never change again.
ENDED_STATUSES = frozenset({"approved", "rejected", "cancelled"})
TASK_STATUSES = ("pending", "dispatched", "approved", "rejected", "needs_correction", "cancelled")


class DispatchApplication(Base):
    """What dispatch keeps of a submitted application: enough to build and re-send its tasks."""

    __tablename__ = "dispatch_applications"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    bundle_code: Mapped[str] = mapped_column(String(100))
    catalog_version: Mapped[int]
    applicant: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # in_progress | correction_requested | completed | partially_completed | rejected | withdrawn
    status: Mapped[str] = mapped_column(String(30), default="in_progress", index=True)
    form_data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    materials: Mapped[list[Any]] = mapped_column(default=list)
    # Materials accepted missing (容缺): [{"material_code", "name", "items": [item codes],
    # "supplement_by": iso, "supplied_at": iso | null, "remind_at": iso | null, "reminded_at": iso | null,
    # "lapsed_at": iso | null}]; one neither supplied nor lapsed pauses the clocks of its items' tasks.
    deficiencies: Mapped[list[Any]] = mapped_column(default=list)
    # The next moment the scanner has something to do for those deficiencies (a reminder, a lapse).
    deficiency_due_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    # Rises with every correction request; tasks sent again after a supplement belong to the new wave.
    wave: Mapped[int] = mapped_column(default=1)
    trace: Mapped[str | None] = mapped_column(String(100), default=None)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)


class Task(Base):
    """One item of one application, handled by one department."""

    __tablename__ = "dispatch_tasks"
    __table_args__ = (UniqueConstraint("application_id", "item_code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    application_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dispatch_applications.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(100))
    item_name: Mapped[str | None] = mapped_column(String(200), default=None)
    department_code: Mapped[str] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(30), default="pending", index=True)
    attempt: Mapped[int] = mapped_column(default=1)
    # Item codes (within this application) whose result this task needs first.
    depends_on: Mapped[list[Any]] = mapped_column(default=list)
    upstream_results: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # What the item needs from the application: form field keys (dotted) and material codes.
    fields: Mapped[list[Any]] = mapped_column(default=list)
    material_codes: Mapped[list[Any]] = mapped_column(default=list)
    # Output keys the item's results pass on (`medical_cert_no`), and what this task takes from
    # upstream items instead of the applicant: [{"kind": "field", "field": "child.id_number",
    # "item": "I03", "output": "child_id_number"}, {"kind": "material", "material": "HUKOU_NEWBORN", "item": "I03"}].
    result_outputs: Mapped[list[Any]] = mapped_column(default=list)
    upstream_inputs: Mapped[list[Any]] = mapped_column(default=list)
    instant_decision: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    corrections: Mapped[list[Any]] = mapped_column(default=list)
    outputs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    licence: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    decided_by: Mapped[str | None] = mapped_column(String(100), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    claimed_by: Mapped[str | None] = mapped_column(String(100), default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    # Time limits: as the catalog states them ({value, unit}), and the deadlines they give.
    legal_limit: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    promised_limit: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    legal_deadline: Mapped[datetime | None] = mapped_column(default=None)
    promised_deadline: Mapped[datetime | None] = mapped_column(default=None)
    # True when a deadline crosses a year whose holiday table is not known yet.
    deadline_provisional: Mapped[bool] = mapped_column(default=False)
    clock_started_at: Mapped[datetime | None] = mapped_column(default=None)
    # [{"from": iso, "to": iso | null, "reason": str}]; an open interval means the clock is stopped.
    paused_intervals: Mapped[list[Any]] = mapped_column(default=list)
    # none | yellow | red: the highest time-limit warning raised, so each is raised once.
    warning_level: Mapped[str] = mapped_column(String(10), default="none")
    dispatched_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def ended(self) -> bool:
        return self.status in ENDED_STATUSES


class TaskEvent(Base):
    """Every state change of a task: who, when, from what to what, and why."""

    __tablename__ = "dispatch_task_events"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dispatch_tasks.id"), index=True)
    application_id: Mapped[uuid.UUID] = mapped_column(index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    from_status: Mapped[str | None] = mapped_column(String(30), default=None)
    to_status: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(100))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
