"""12345 ticket schemas."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from onevisit.validators import BUNDLE_CODE_PATTERN

TicketType = Literal["consultation", "query", "suggestion", "complaint", "praise"]


class Contact(BaseModel):
    name: str | None = Field(default=None, max_length=50, examples=["张三"])
    phone: str | None = Field(default=None, pattern=r"^(?:\+?86[- ]?)?1[3-9]\d{9}$", examples=["13800138000"])


class TicketCreate(BaseModel):
    """A question, request, suggestion, complaint or praise for the hotline."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "consultation",
                    "content": "新生儿出生医学证明在哪里办理？",
                    "bundle_code": "B01",
                    "contact": {"name": "张三", "phone": "13800138000"},
                }
            ]
        }
    )

    type: TicketType
    content: str = Field(min_length=2, max_length=2000)
    application_id: UUID | None = None
    bundle_code: str | None = Field(default=None, pattern=BUNDLE_CODE_PATTERN, examples=["B01"])
    contact: Contact = Field(default_factory=Contact)
    source: Literal["phone", "web", "mini_program"] = "web"


class TicketReply(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reply": "请携带身份证到市妇幼保健院办理。"}]})

    reply: str = Field(min_length=2, max_length=4000)


class TicketRoute(BaseModel):
    """Re-route a ticket (operator) to a lead department and its assisting departments."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"department": "public_security", "assisting": ["health"], "reason": "涉及户口登记"}]
        }
    )

    department: str = Field(min_length=1, max_length=32)
    assisting: list[str] = Field(default_factory=list)
    reason: str = Field(min_length=2, max_length=500)


class TicketSendBack(BaseModel):
    """The lead department sends a ticket back to the hotline centre (退回), with the reason."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "不属于本部门职责"}]})

    reason: str = Field(min_length=2, max_length=500)


class ReturnVisit(BaseModel):
    """The hotline's return visit (回访) after the reply."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"satisfied": True, "note": "市民表示问题已解决"}]})

    satisfied: bool
    note: str | None = Field(default=None, max_length=1000)


class TicketRead(BaseModel):
    """A ticket: who handles it, by when, and everything that happened to it."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "7d0c4d1e-9b43-4d6c-9b5e-2f6c8e9a1b20",
                    "type": "consultation",
                    "content": "出生医学证明在哪里办？",
                    "source": "mini_program",
                    "status": "replied",
                    "department": "health",
                    "assisting": ["public_security"],
                    "due_at": "2026-03-03T18:00:00+08:00",
                    "due_estimated": False,
                    "instant_answer": {
                        "bundle_code": "B01",
                        "bundle_name": "新生儿出生一件事",
                        "promised_days": 4,
                        "faqs": [
                            {
                                "question": "出生医学证明在哪里领取？",
                                "answer": "在新生儿出生的助产机构申领，一件事办理时直接作为后续事项的材料。",
                            }
                        ],
                        "guide_url": "/v1/bundles/B01/guide",
                        "source": "catalog",
                    },
                    "application_id": None,
                    "bundle_code": "B01",
                    "reply": "请到出生的助产机构申领。",
                    "replied_at": "2026-03-03T10:12:00+08:00",
                    "replied_on_time": True,
                    "reopened": 0,
                    "escalation_level": 0,
                    "merged_into": None,
                    "duplicates": 0,
                    "return_visit": None,
                    "history": [
                        {"at": "2026-03-02T09:30:00+08:00", "actor": "11010519491231002X", "action": "received"},
                        {
                            "at": "2026-03-02T09:30:00+08:00",
                            "actor": "12345",
                            "action": "assigned",
                            "detail": {"department": "health", "rule": "keyword"},
                        },
                        {
                            "at": "2026-03-03T10:12:00+08:00",
                            "actor": "health",
                            "action": "replied",
                            "detail": {
                                "on_time": True,
                                "reply": "请到出生的助产机构申领。",
                            },
                        },
                    ],
                    "created_at": "2026-03-02T09:30:00+08:00",
                    "merged": False,
                }
            ]
        },
    )

    id: UUID
    type: str
    content: str
    source: str
    status: str
    department: str
    assisting: list[str]
    due_at: datetime
    due_estimated: bool
    instant_answer: dict[str, Any] | None
    application_id: UUID | None
    bundle_code: str | None
    reply: str | None
    replied_at: datetime | None
    replied_on_time: bool | None
    reopened: int
    escalation_level: int
    merged_into: UUID | None
    duplicates: int
    return_visit: dict[str, Any] | None
    history: list[dict[str, Any]]
    created_at: datetime
    merged: bool = Field(default=False, description="true when this filing was merged into an open ticket")


class TicketPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": TicketRead.model_config["json_schema_extra"]["examples"],  # type: ignore[index]
                    "next_cursor": None,
                }
            ]
        }
    )

    items: list[TicketRead]
    next_cursor: str | None = None
