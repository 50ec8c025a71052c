"""Event contracts between the services: frozen, versioned pydantic models with a subject.

Within a version only add fields; a breaking change is a new class with `version` bumped.
Subjects are written with the `onevisit.` namespace; the bus swaps it for the configured one.
"""

from datetime import datetime
from typing import Any, ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from onevisit.db import new_id, utcnow


class Event(BaseModel):
    """Base of every event: its id (also the JetStream de-duplication id), when, and the trace."""

    model_config = ConfigDict(frozen=True)

    subject: ClassVar[str]
    version: ClassVar[int] = 1

    event_id: UUID = Field(default_factory=new_id)
    occurred_at: datetime = Field(default_factory=utcnow)
    trace: str | None = Field(default=None, description="W3C traceparent of the request that caused it")


class Applicant(BaseModel):
    """Who applies: the login subject (resident ID or USCC), and how to reach them."""

    model_config = ConfigDict(frozen=True)

    subject: str
    name: str | None = None
    phone: str | None = None
    kind: Literal["person", "company"] = "person"


class Deficiency(BaseModel):
    """A material accepted missing at submission (容缺受理), which the applicant supplies later.

    `items` are the codes of the chosen items that need it: their departments start at once,
    their time-limit clocks stand still until the material arrives.
    """

    model_config = ConfigDict(frozen=True)

    material_code: str
    name: str | None = None
    items: list[str] = Field(default_factory=list)
    supplement_by: datetime = Field(description="end of the last working day to supply it, Beijing time")


class ApplicationSubmitted(Event):
    subject: ClassVar[str] = "onevisit.application.submitted"

    application_id: UUID
    bundle_code: str
    catalog_version: int
    items: list[str]
    applicant: Applicant
    form_data: dict[str, Any] = Field(default_factory=dict)
    materials: list[dict[str, Any]] = Field(default_factory=list)
    deficiencies: list[Deficiency] = Field(default_factory=list, description="materials accepted missing (容缺)")


class ApplicationWithdrawn(Event):
    subject: ClassVar[str] = "onevisit.application.withdrawn"

    application_id: UUID
    reason: str | None = None


class TaskDispatched(Event):
    """Dispatch sent an item's task to its department (or decided it automatically)."""

    subject: ClassVar[str] = "onevisit.application.task_dispatched"

    application_id: UUID
    task_id: UUID
    item_code: str
    department_code: str
    deadline: datetime | None = None


class TaskDecided(Event):
    """A department (or a rule, for 秒批) decided a task; or dependents were ended by a rejection."""

    subject: ClassVar[str] = "onevisit.application.task_decided"

    application_id: UUID
    task_id: UUID
    item_code: str
    department_code: str
    status: Literal["approved", "rejected", "needs_correction", "cancelled"]
    reason: str | None = None
    outputs: dict[str, Any] = Field(default_factory=dict)
    decided_by: str = "department"


class TaskResultSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    task_id: UUID
    item_code: str
    department_code: str
    status: str
    reason: str | None = None
    outputs: dict[str, Any] = Field(default_factory=dict)
    licence: dict[str, Any] | None = None


class ApplicationCompleted(Event):
    """Every task ended; `outcome` says whether all, some or none were approved."""

    subject: ClassVar[str] = "onevisit.application.completed"

    application_id: UUID
    bundle_code: str
    outcome: Literal["completed", "partially_completed", "rejected"]
    applicant: Applicant
    results: list[TaskResultSummary]


class Correction(BaseModel):
    model_config = ConfigDict(frozen=True)

    item_code: str | None = None
    field: str | None = None
    material: str | None = None
    message: str


class ApplicationCorrectionRequested(Event):
    subject: ClassVar[str] = "onevisit.application.correction_requested"

    application_id: UUID
    applicant: Applicant
    corrections: list[Correction]


class ApplicationSupplemented(Event):
    subject: ClassVar[str] = "onevisit.application.supplemented"

    application_id: UUID
    form_data: dict[str, Any] = Field(default_factory=dict)
    materials: list[dict[str, Any]] = Field(default_factory=list)


class TaskDeadlineWarning(Event):
    """红黄牌预警: a task used 80 % of its promised time (yellow) or passed its deadline (red).

    Dispatch raises each level once per task, on the NOTIFY stream; notify tells the applicant
    and the department.
    """

    subject: ClassVar[str] = "onevisit.notify.task_deadline_warning"

    application_id: UUID
    task_id: UUID
    item_code: str
    department_code: str
    level: Literal["yellow", "red"]
    promised_deadline: datetime
    share_used: float


class DeficiencyTask(BaseModel):
    """A task out with its department that needs the material of a `DeficiencyNotice`."""

    model_config = ConfigDict(frozen=True)

    task_id: UUID
    item_code: str
    item_name: str | None = None
    department_code: str


class DeficiencyNotice(Event):
    """容缺受理 follow-up for a material accepted missing and not supplied yet.

    `reminder`: one working day before `supplement_by`, the applicant is reminded. `lapsed`:
    `supplement_by` passed without it; the tasks' clocks run again (the applicant's delay no longer
    pauses them), the departments in `tasks` may decide without it, and the applicant is told.
    A supplement arriving later still reaches a department that has not decided. Dispatch's
    deadline scanner raises each kind once per material, on the NOTIFY stream; notify tells them.
    """

    subject: ClassVar[str] = "onevisit.notify.deficiency_notice"

    application_id: UUID
    kind: Literal["reminder", "lapsed"]
    material_code: str
    material_name: str | None = None
    supplement_by: datetime
    tasks: list[DeficiencyTask] = Field(
        default_factory=list, description="the tasks needing it that are out with their departments"
    )


EVENT_TYPES: dict[str, type[Event]] = {
    cls.subject: cls
    for cls in (
        ApplicationSubmitted,
        ApplicationWithdrawn,
        TaskDispatched,
        TaskDecided,
        ApplicationCompleted,
        ApplicationCorrectionRequested,
        ApplicationSupplemented,
        TaskDeadlineWarning,
        DeficiencyNotice,
    )
}
