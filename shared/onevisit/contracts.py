"""The department contract: task and result messages, public, documented in docs/departments.md.

Departments consume `onevisit.dept.<code>.task` and publish `onevisit.dept.<code>.result`
(NATS native), or receive the task by signed webhook and POST the result to the gateway.
"""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from onevisit.db import utcnow

TASK_SUBJECT = "onevisit.dept.{department}.task"
RESULT_SUBJECT = "onevisit.dept.{department}.result"


class MaterialLink(BaseModel):
    material_code: str
    name: str | None = None
    url: str = Field(description="signed download link; expires")
    sha256: str | None = None
    expires_at: datetime | None = None


class PendingMaterial(BaseModel):
    """A material accepted missing (容缺受理): work on the task may start, the material follows.

    When the applicant supplies it, the task is sent again with the same `task_id` and a higher
    `attempt`: its link is then in `materials` and it is gone from `pending_materials`.
    """

    material_code: str
    name: str | None = None
    supplement_by: datetime = Field(description="the applicant's deadline to supply it")
    lapsed_at: datetime | None = Field(
        default=None,
        description="set once supplement_by passed without it: the clock runs again; decide without it "
        "(for example reject: 容缺材料逾期未补正)",
    )


class LicenceMaterial(BaseModel):
    """A material the applicant's existing electronic licence stands in for (免提交): there is no file.

    Verify it with `GET /v1/licences/{number}/verify?holder={holder_sha256}` (through the gateway):
    valid, not revoked, not expired, and held by this applicant.
    """

    material_code: str
    number: str = Field(description="licence number (证照编号)")
    type_code: str | None = Field(default=None, description="licence type code (证照类型代码)")
    type_name: str | None = None
    identifier: str | None = Field(default=None, description="electronic licence identifier (电子证照标识)")
    issuer_name: str | None = None
    holder_sha256: str | None = Field(
        default=None, description="sha256 (hex) of the applicant's upper-cased ID: the `holder` of the verification"
    )


class DepartmentTask(BaseModel):
    """One item of one application, sent to the department that handles the item."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "task_id": "6f1c2d9e-2c1a-4c7e-9d5b-0a1b2c3d4e5f",
                    "application_id": "0b7e1a52-5b1f-4b64-8e57-3a3c1c2d9f10",
                    "item_code": "I01",
                    "item_name": "出生医学证明签发",
                    "department_code": "WJW",
                    "form_data": {"child.name": "张小明"},
                    "materials": [],
                    "upstream_results": {},
                    "deadline": "2026-12-01T09:00:00+08:00",
                    "attempt": 1,
                }
            ]
        }
    )

    contract_version: int = 1
    task_id: UUID
    application_id: UUID
    item_code: str
    item_name: str | None = None
    department_code: str
    form_data: dict[str, Any] = Field(default_factory=dict, description="only the fields this item needs")
    materials: list[MaterialLink] = Field(default_factory=list)
    licence_materials: list[LicenceMaterial] = Field(
        default_factory=list, description="materials an electronic licence stands in for (免提交): no file to fetch"
    )
    pending_materials: list[PendingMaterial] = Field(
        default_factory=list, description="materials accepted missing (容缺); the task comes again when they arrive"
    )
    upstream_results: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="outputs of the items this one depends on, by item code"
    )
    deadline: datetime | None = None
    attempt: int = Field(
        default=1, description="rises when the task is sent again: after a correction, or when a pending material came"
    )


class CorrectionRequest(BaseModel):
    field: str | None = None
    material: str | None = None
    message: str


class DepartmentResult(BaseModel):
    """A department's decision on a task; idempotent per task id."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "task_id": "6f1c2d9e-2c1a-4c7e-9d5b-0a1b2c3d4e5f",
                    "decision": "approved",
                    "reason": "材料齐全，符合法定条件",
                    "outputs": {"birth_certificate_number": "Q440000123"},
                }
            ]
        }
    )

    contract_version: int = 1
    task_id: UUID
    decision: Literal["approved", "rejected", "needs_correction"]
    reason: str | None = None
    corrections: list[CorrectionRequest] = Field(default_factory=list)
    outputs: dict[str, Any] = Field(default_factory=dict)
    licence: dict[str, Any] | None = None
    decided_at: datetime = Field(default_factory=utcnow)
    decided_by: str | None = None


def task_subject(department_code: str) -> str:
    return TASK_SUBJECT.format(department=department_code)


def result_subject(department_code: str) -> str:
    return RESULT_SUBJECT.format(department=department_code)
