"""Notification schemas: the in-app inbox."""

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict


class NotificationRead(BaseModel):
    """One message to the caller, with its Notify-style status."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "3c7a8f0e-3d7b-4f7e-8a55-0f5c1b7d2e11",
                    "application_id": "0b7e1a52-5b1f-4b64-8e57-3a3c1c2d9f10",
                    "ticket_id": None,
                    "step": "submitted",
                    "channel": "inbox",
                    "template_code": "application_submitted",
                    "template_version": 1,
                    "title": "办件已受理",
                    "body": "张三您好：您申请的“B01”已受理……",
                    "status": "delivered",
                    "created_at": "2026-03-02T10:00:00+08:00",
                    "read_at": None,
                }
            ]
        },
    )

    id: UUID
    application_id: UUID | None
    ticket_id: UUID | None
    step: str
    channel: str
    template_code: str
    template_version: int
    title: str
    body: str
    status: str
    created_at: datetime
    read_at: datetime | None


class NotificationPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": NotificationRead.model_config["json_schema_extra"]["examples"],  # type: ignore[index]
                    "next_cursor": None,
                }
            ]
        }
    )

    items: list[NotificationRead]
    next_cursor: str | None = None
