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
    upstream_results: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="outputs of the items this one depends on, by item code"
    )
    deadline: datetime | None = None
    attempt: int = Field(default=1, description="rises when a corrected task is sent again")


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
