"""Request and response bodies of the applications API (paths and fields as in API.md)."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from onevisit.errors import ProblemDetail
from onevisit.validators import BUNDLE_CODE_PATTERN

Status = Literal[
    "draft",
    "submitted",
    "in_progress",
    "correction_requested",
    "completed",
    "partially_completed",
    "rejected",
    "withdrawn",
]


class OnBehalfOf(BaseModel):
    """The applicant a window clerk applies for (帮办代办)."""

    subject: str = Field(min_length=6, max_length=64, examples=["11010519491231002X"])
    name: str | None = Field(default=None, max_length=100, examples=["张三"])
    phone: str | None = Field(default=None, max_length=32, examples=["13800138000"])
    kind: Literal["person", "company"] = "person"


class ApplicationCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"bundle_code": "B01", "answers": {"marital_status": "married"}}]},
    )

    bundle_code: str = Field(pattern=BUNDLE_CODE_PATTERN, examples=["B01"])
    answers: dict[str, Any] = Field(default_factory=dict, description="scenario answers (情形引导)")
    items: list[str] | None = Field(default=None, description="a subset of item codes; bound groups stay together")
    on_behalf_of: OnBehalfOf | None = Field(default=None, description="window clerks only")


class ApplicationUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"form_data": {"child": {"name": "张小明"}}}]},
    )

    form_data: dict[str, Any] | None = Field(default=None, description="merged by section; null clears a field")
    answers: dict[str, Any] | None = Field(default=None, description="new answers: re-evaluates the bundle")
    items: list[str] | None = Field(default=None, description="a new subset of items: re-evaluates the bundle")


class PersonRead(BaseModel):
    subject: str
    name: str | None = None
    phone: str | None = None
    kind: str = "person"


class CreatorRead(BaseModel):
    subject: str
    role: str


class PrefillSource(BaseModel):
    source: str = Field(examples=["sample_registry"])
    authoritative: bool = Field(description="from the registry that owns the value; departments may rely on it")


class LicenceReference(BaseModel):
    """The applicant's electronic licence that stands in for a material (免提交)."""

    number: str = Field(examples=["Q440000123"])
    type_code: str = Field(examples=["11100000000013338W001"])
    type_name: str = Field(examples=["出生医学证明"])
    identifier: str | None = Field(default=None, description="电子证照标识")
    issuer_name: str | None = None


SatisfiedBy = Literal["upload", "licence", "shared_data", "commitment", "earlier_item"]


class MaterialStatus(BaseModel):
    """One material of the de-duplicated set and how it stands."""

    code: str = Field(examples=["BIRTH_MED_CERT"])
    name: str = Field(examples=["出生医学证明"])
    required: bool
    deficiency_allowed: bool = False
    deficiency_days: int | None = None
    commitment_allowed: bool = False
    items: list[str] = Field(default_factory=list, description="items that need it; one upload serves them all")
    issued_by_item: str | None = Field(default=None, description="an earlier item issues it: never requested")
    status: Literal["provided", "issued_by_item", "licence", "shared", "committed", "missing", "not_required"]
    satisfied_by: SatisfiedBy | None = Field(default=None, description="null while missing or not required")
    licence: LicenceReference | None = Field(default=None, description="when an existing licence satisfies it")
    files: list[UUID] = Field(default_factory=list)


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    item_code: str
    task_id: UUID
    department_code: str
    status: str = Field(examples=["approved"])
    reason: str | None = None
    outputs: dict[str, Any] = Field(default_factory=dict)
    licence: dict[str, Any] | None = None
    deadline: datetime | None = None
    updated_at: datetime


class Deficiency(BaseModel):
    """A material accepted missing (容缺受理), to be supplied by the deadline."""

    material_code: str = Field(examples=["NONMARITAL_STMT"])
    name: str = Field(examples=["非婚生育说明"])
    working_days: int = Field(examples=[5])
    supplement_by: datetime = Field(description="end of the last working day, Beijing time")
    provisional: bool = Field(
        default=False, description="counted across a year whose holidays are not yet published: may move"
    )
    supplied: bool = False


class CommitmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    material_code: str
    text: str
    signed_by: str
    signed_name: str | None
    signed_at: datetime


class ApplicationRead(BaseModel):
    id: UUID
    status: Status
    bundle_code: str
    bundle_name: str | None
    catalog_version: int
    applicant: PersonRead
    created_by: CreatorRead
    answers: dict[str, Any]
    items: list[dict[str, Any]] = Field(description="the applicable items as the catalog evaluated them")
    form: dict[str, Any] = Field(description="the merged form, JSON Schema 2020-12")
    form_data: dict[str, Any]
    prefill_sources: dict[str, PrefillSource] = Field(description="by dotted field key")
    materials: list[MaterialStatus]
    commitments: list[CommitmentRead]
    deficiencies: list[Deficiency]
    corrections: list[dict[str, Any]]
    tasks: list[TaskRead]
    promised_days: int | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None


class ApplicationSummary(BaseModel):
    id: UUID
    status: Status
    bundle_code: str
    bundle_name: str | None
    applicant: PersonRead
    created_at: datetime
    submitted_at: datetime | None


class ApplicationPage(BaseModel):
    items: list[ApplicationSummary]
    next_cursor: str | None


class ValidationReport(BaseModel):
    """Nothing wrong; any missing material the catalog allows to come later is listed."""

    problems: list[ProblemDetail] = Field(default_factory=list, examples=[[]])
    deficiencies: list[Deficiency] = Field(default_factory=list)


class TimelineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str = Field(examples=["11010519491231002X"])
    event: str = Field(examples=["application.submitted"])
    detail: dict[str, Any]


class Timeline(BaseModel):
    items: list[TimelineRead]


class WithdrawRequest(BaseModel):
    reason: str | None = Field(default=None, max_length=500, examples=["不再需要办理"])


class SupplementRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"form_data": {"child": {"name": "张小明"}}, "materials": []}]}
    )

    form_data: dict[str, Any] = Field(default_factory=dict)
    materials: list[UUID] = Field(
        default_factory=list, description="ids of files uploaded for the correction (POST …/materials)"
    )
