"""The audit log as an operator reads it."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

# OpenAPI example: the seeded citizen submitting a newborn application, as the log keeps it.
_AUDIT_EXAMPLE = {
    "id": "9d3e5f7a-1b2c-4d6e-8f0a-2b4c6d8e0f1a",
    "at": "2026-03-02T09:45:00Z",
    "method": "POST",
    "path": "/v1/applications/3f1c2a9e-5b7d-4c1e-9a2b-6d8e0f4a7c31/submit",
    "status": 202,
    "service": "intake",
    "subject": "110105********002X",
    "role": "citizen",
    "request_id": "5f0c8e2a9b1d4c7e",
    "application_id": "3f1c2a9e-5b7d-4c1e-9a2b-6d8e0f4a7c31",
    "ip": "10.0.0.8",
}


class AuditRead(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [_AUDIT_EXAMPLE]})

    id: uuid.UUID
    at: datetime
    method: str = Field(examples=["POST"])
    path: str = Field(examples=["/v1/applications/0b7c…/submit"])
    status: int = Field(examples=[202])
    service: str | None = Field(default=None, examples=["intake"])
    subject: str | None = Field(
        default=None, description="masked resident ID or staff/client id", examples=["110105********002X"]
    )
    role: str | None = Field(default=None, examples=["citizen"])
    department: str | None = None
    client_id: str | None = Field(default=None, description="calling system", examples=["gongan-hukou"])
    request_id: str | None = Field(default=None, examples=["5f0c…"])
    end_user_id: str | None = None
    application_id: str | None = None
    ip: str | None = None


class AuditPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"items": [_AUDIT_EXAMPLE], "next_cursor": "9d3e5f7a-1b2c-4d6e-8f0a-2b4c6d8e0f1a"}]
        }
    )

    items: list[AuditRead]
    next_cursor: str | None = Field(default=None, description="pass as `before` for the next page")
