"""What department systems and clerks send and receive over HTTP."""

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, model_validator

from onevisit.contracts import CorrectionRequest, LicenceMaterial, MaterialLink, PendingMaterial


class TaskRead(BaseModel):
    """A task as its department sees it: only the item's fields, signed material links, upstream results."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "6f1c2d9e-2c1a-4c7e-9d5b-0a1b2c3d4e5f",
                    "application_id": "0b7e1a52-5b1f-4b64-8e57-3a3c1c2d9f10",
                    "item_code": "I03",
                    "item_name": "出生登记(申报出生户口登记)",
                    "department_code": "public_security",
                    "status": "dispatched",
                    "attempt": 1,
                    "form_data": {"child.name": "张小明", "child.medical_cert_no": "Q440000123"},
                    "materials": [],
                    "upstream_results": {"I01": {"medical_cert_no": "Q440000123"}},
                    "deadline": "2026-12-01T23:59:59+08:00",
                }
            ]
        }
    )

    id: uuid.UUID
    application_id: uuid.UUID
    item_code: str
    item_name: str | None
    department_code: str
    status: str
    attempt: int
    form_data: dict[str, Any]
    materials: list[MaterialLink]
    licence_materials: list[LicenceMaterial] = Field(
        default_factory=list, description="materials an electronic licence stands in for (免提交): verify, no file"
    )
    pending_materials: list[PendingMaterial] = Field(
        default_factory=list, description="materials accepted missing (容缺), not supplied yet"
    )
    upstream_results: dict[str, dict[str, Any]]
    outputs_expected: list[str] = Field(default_factory=list)
    deadline: datetime | None = Field(description="the promised deadline (承诺时限)")
    legal_deadline: datetime | None = None
    deadline_provisional: bool = False
    claimed_by: str | None = None
    claimed_at: datetime | None = None
    reason: str | None = None
    outputs: dict[str, Any] = Field(default_factory=dict)
    dispatched_at: datetime | None = None
    decided_at: datetime | None = None


# OpenAPI example of a task in the department's list (the newborn bundle's 出生登记).
_TASK_SUMMARY_EXAMPLE = {
    "id": "6f1c2d9e-2c1a-4c7e-9d5b-0a1b2c3d4e5f",
    "application_id": "0b7e1a52-5b1f-4b64-8e57-3a3c1c2d9f10",
    "item_code": "I03",
    "item_name": "出生登记(申报出生户口登记)",
    "status": "claimed",
    "attempt": 1,
    "deadline": "2026-12-01T23:59:59+08:00",
    "claimed_by": "staff-0001",
    "dispatched_at": "2026-11-30T10:05:00+08:00",
}


class TaskSummary(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_TASK_SUMMARY_EXAMPLE]})

    id: uuid.UUID
    application_id: uuid.UUID
    item_code: str
    item_name: str | None
    status: str
    attempt: int
    deadline: datetime | None
    claimed_by: str | None
    dispatched_at: datetime | None


class TaskPage(BaseModel):
    """One page of the department's tasks; pass `next_cursor` back as `cursor`."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [_TASK_SUMMARY_EXAMPLE], "next_cursor": None}]})

    items: list[TaskSummary]
    next_cursor: str | None = None


class ResultIn(BaseModel):
    """A department's decision on a task."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "decision": "approved",
                    "reason": "材料齐全，符合法定条件",
                    "outputs": {"child_id_number": "110105202611010012"},
                },
                {
                    "decision": "needs_correction",
                    "reason": "申请材料需补正",
                    "corrections": [{"material": "HUKOU", "message": "户口簿页面不清晰，请重新上传"}],
                },
            ]
        }
    )

    decision: Literal["approved", "rejected", "needs_correction"]
    reason: str | None = None
    corrections: list[CorrectionRequest] = Field(default_factory=list)
    outputs: dict[str, Any] = Field(default_factory=dict)
    licence: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _explained(self) -> "ResultIn":
        if self.decision == "needs_correction" and not self.corrections:
            raise ValueError("needs_correction must list the corrections")
        if self.decision == "rejected" and not self.reason:
            raise ValueError("a rejection needs a reason")
        return self


class ResultAccepted(BaseModel):
    """`applied` is false when the task had already been decided: the second result was ignored."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"task_id": "6f1c2d9e-2c1a-4c7e-9d5b-0a1b2c3d4e5f", "status": "approved", "applied": True}]
        }
    )

    task_id: uuid.UUID = Field(examples=["6f1c2d9e-2c1a-4c7e-9d5b-0a1b2c3d4e5f"])
    status: str = Field(examples=["approved"])
    applied: bool = Field(examples=[True])


WEBHOOK_URL_MAX_LENGTH = 1000  # the column's length: longer would be a 500 on PostgreSQL, not a 422


def _fits_the_column(url: HttpUrl) -> HttpUrl:
    # Checked on the URL as stored: normalising adds a trailing "/" and turns Chinese hosts into
    # punycode, so the typed length says nothing.
    if len(str(url)) > WEBHOOK_URL_MAX_LENGTH:
        raise ValueError(f"地址过长：规范化后不得超过 {WEBHOOK_URL_MAX_LENGTH} 个字符")
    return url


class WebhookIn(BaseModel):
    """Where to POST this department's tasks, and the secret to sign them with."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"url": "https://ga.example.gov.cn/onevisit/tasks", "secret": "3b9f0c2e7d4a61f85e1c9a0b"}]
        }
    )

    url: Annotated[HttpUrl, AfterValidator(_fits_the_column)] = Field(
        examples=["https://dept.example.gov.cn/onevisit/tasks"]
    )
    secret: str = Field(min_length=16, max_length=200, examples=["a-long-random-shared-secret"])


class WebhookRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "department_code": "public_security",
                    "url": "https://ga.example.gov.cn/onevisit/tasks",
                    "updated_at": "2026-11-30T09:00:00+08:00",
                }
            ]
        },
    )

    department_code: str = Field(examples=["public_security"])
    url: str = Field(examples=["https://dept.example.gov.cn/onevisit/tasks"])
    updated_at: datetime


# OpenAPI example: a delivery that got through on its second attempt. Not a dead one: FastAPI drops
# nulls from the document, so its null delivered_at would read as a required field left out.
_DELIVERY_EXAMPLE = {
    "id": "2a7d9c1e-4b6f-4e8a-9c0d-1e2f3a4b5c6d",
    "task_id": "6f1c2d9e-2c1a-4c7e-9d5b-0a1b2c3d4e5f",
    "attempt_of_task": 1,
    "department_code": "public_security",
    "status": "delivered",
    "attempts": 2,
    "next_attempt_at": "2026-11-30T10:06:00+08:00",
    "last_error": "HTTP 503 from https://ga.example.gov.cn/onevisit/tasks",
    "delivered_at": "2026-11-30T10:06:02+08:00",
    "created_at": "2026-11-30T10:05:00+08:00",
}


class DeliveryRead(BaseModel):
    """A webhook delivery: `dead` ones gave up and can be replayed."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [_DELIVERY_EXAMPLE]})

    id: uuid.UUID
    task_id: uuid.UUID
    attempt_of_task: int
    department_code: str
    status: str = Field(examples=["dead"])
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


class DeliveryPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [_DELIVERY_EXAMPLE]}]})

    items: list[DeliveryRead]
