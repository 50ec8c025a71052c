"""The audit log as an operator reads it."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class AuditRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

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
    items: list[AuditRead]
    next_cursor: str | None = Field(default=None, description="pass as `before` for the next page")
