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


# OpenAPI examples: a newborn application (B01) by the seeded citizen, submitted and in progress,
# with each list cut to one entry so the document stays readable.
_APPLICATION_ID = "3f1c2a9e-5b7d-4c1e-9a2b-6d8e0f4a7c31"
_APPLICANT_EXAMPLE = {"subject": "11010519491231002X", "name": "张三", "phone": "13800138000", "kind": "person"}
_MATERIAL_STATUS_EXAMPLE = {
    "code": "ID_CARD",
    "name": "居民身份证",
    "required": True,
    "items": ["I01", "I03"],
    "status": "licence",
    "satisfied_by": "licence",
    "licence": {
        "number": "11010519491231002X",
        "type_code": "11100000000013338W002",
        "type_name": "居民身份证",
        "identifier": "1.2.156.3005.2.11100000000013338W002.11010519491231002X",
        "issuer_name": "北京市公安局西城分局",
    },
    "files": [],
}
_TASK_EXAMPLE = {
    "item_code": "I01",
    "task_id": "8a4e6f1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b",
    "department_code": "health",
    "status": "approved",
    "reason": None,
    "outputs": {"medical_cert_no": "Q110123456"},
    "licence": None,
    "deadline": "2026-03-03T15:59:59Z",
    "updated_at": "2026-03-02T10:05:00Z",
}
_DEFICIENCY_EXAMPLE = {
    "material_code": "NONMARITAL_STMT",
    "name": "非婚生育说明",
    "working_days": 5,
    "supplement_by": "2026-03-09T15:59:59Z",
    "provisional": False,
    "supplied": False,
}
_APPLICATION_EXAMPLE = {
    "id": _APPLICATION_ID,
    "status": "in_progress",
    "bundle_code": "B01",
    "bundle_name": "新生儿出生一件事",
    "catalog_version": 1,
    "applicant": _APPLICANT_EXAMPLE,
    "created_by": {"subject": "11010519491231002X", "role": "citizen"},
    "answers": {"born_in_institution": True, "marital_status": "married", "household_side": "mother"},
    "items": [{"code": "I01", "name": "出生医学证明签发 (首次签发)", "department": "health"}],
    "form": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "新生儿出生一件事 申请表",
        "type": "object",
        "properties": {"applicant": {"type": "object", "properties": {"phone": {"type": "string"}}}},
    },
    "form_data": {
        "applicant": {"name": "张三", "id_number": "11010519491231002X", "phone": "13800138000"},
        "child": {"name": "张小明", "gender": "男", "birth_date": "2026-02-26"},
    },
    "prefill_sources": {"applicant.name": {"source": "sample_registry", "authoritative": True}},
    "materials": [_MATERIAL_STATUS_EXAMPLE],
    "commitments": [],
    "deficiencies": [],
    "corrections": [],
    "tasks": [_TASK_EXAMPLE],
    "promised_days": 4,
    "created_at": "2026-03-02T09:30:00Z",
    "updated_at": "2026-03-02T10:05:00Z",
    "submitted_at": "2026-03-02T09:45:00Z",
}


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
    model_config = ConfigDict(json_schema_extra={"examples": [_APPLICANT_EXAMPLE]})

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

    model_config = ConfigDict(json_schema_extra={"examples": [_MATERIAL_STATUS_EXAMPLE]})

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
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [_TASK_EXAMPLE]})

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

    model_config = ConfigDict(json_schema_extra={"examples": [_DEFICIENCY_EXAMPLE]})

    material_code: str = Field(examples=["NONMARITAL_STMT"])
    name: str = Field(examples=["非婚生育说明"])
    working_days: int = Field(examples=[5])
    supplement_by: datetime = Field(description="end of the last working day, Beijing time")
    provisional: bool = Field(
        default=False, description="counted across a year whose holidays are not yet published: may move"
    )
    supplied: bool = False


class CommitmentRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "5d2b7c9a-1e3f-4a6b-8c0d-2e4f6a8b0c1d",
                    "material_code": "MARRIAGE",
                    "text": "本人承诺所填婚姻状况真实有效。",
                    "signed_by": "11010519491231002X",
                    "signed_name": "张三",
                    "signed_at": "2026-03-02T09:40:00Z",
                }
            ]
        },
    )

    id: UUID
    material_code: str
    text: str
    signed_by: str
    signed_name: str | None
    signed_at: datetime


class ApplicationRead(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_APPLICATION_EXAMPLE]})

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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    key: _APPLICATION_EXAMPLE[key]
                    for key in ("id", "status", "bundle_code", "bundle_name", "applicant", "created_at", "submitted_at")
                }
            ]
        }
    )

    id: UUID
    status: Status
    bundle_code: str
    bundle_name: str | None
    applicant: PersonRead
    created_at: datetime
    submitted_at: datetime | None


class ApplicationPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            key: _APPLICATION_EXAMPLE[key]
                            for key in (
                                "id",
                                "status",
                                "bundle_code",
                                "bundle_name",
                                "applicant",
                                "created_at",
                                "submitted_at",
                            )
                        }
                    ],
                    "next_cursor": "MjAyNi0wMy0wMlQwOTozMDowMFo",
                }
            ]
        }
    )

    items: list[ApplicationSummary]
    next_cursor: str | None


class ValidationReport(BaseModel):
    """Nothing wrong; any missing material the catalog allows to come later is listed."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"problems": [], "deficiencies": [_DEFICIENCY_EXAMPLE]}]})

    problems: list[ProblemDetail] = Field(default_factory=list, examples=[[]])
    deficiencies: list[Deficiency] = Field(default_factory=list)


class TimelineRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "at": "2026-03-02T09:45:00Z",
                    "actor": "11010519491231002X",
                    "event": "application.submitted",
                    "detail": {"items": ["I01", "I03"]},
                }
            ]
        },
    )

    at: datetime
    actor: str = Field(examples=["11010519491231002X"])
    event: str = Field(examples=["application.submitted"])
    detail: dict[str, Any]


class Timeline(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "at": "2026-03-02T09:45:00Z",
                            "actor": "11010519491231002X",
                            "event": "application.submitted",
                            "detail": {"items": ["I01", "I03"]},
                        }
                    ]
                }
            ]
        }
    )

    items: list[TimelineRead]


class WithdrawRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "孩子已随父亲在外地落户，不再需要办理"}]})

    reason: str | None = Field(default=None, max_length=500, examples=["不再需要办理"])


class SupplementRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"form_data": {"child": {"name": "张小明"}}, "materials": []}]}
    )

    form_data: dict[str, Any] = Field(default_factory=dict)
    materials: list[UUID] = Field(
        default_factory=list, description="ids of files uploaded for the correction (POST …/materials)"
    )
