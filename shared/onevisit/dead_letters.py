"""Operator API over a service's dead letters: list them, replay one. Mounted by every service."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from onevisit.auth import Identity, require_roles
from onevisit.consumer import DeadLetter, replay_dead_letter
from onevisit.errors import NotFound
from onevisit.service import RuntimeDep, SessionDep

_DEAD_LETTER_EXAMPLE = {
    "id": "4f5e2d1c-8b7a-4c3d-9e2f-1a0b9c8d7e6f",
    "service": "dispatch-svc",
    "consumer": "dispatch-results",
    "subject": "onevisit.dept.public_security.result",
    "message_key": "result-6f1c2d9e-2c1a-4c7e-9d5b-0a1b2c3d4e5f-1",
    "payload": '{"task_id": "6f1c2d9e-2c1a-4c7e-9d5b-0a1b2c3d4e5f", "decision": "approved"}',
    "error": "unknown task 6f1c2d9e-2c1a-4c7e-9d5b-0a1b2c3d4e5f",
    "deliveries": 1,
    "created_at": "2026-12-01T09:30:00Z",
    "replayed_at": "2026-12-01T10:05:00Z",
}


class DeadLetterRead(BaseModel):
    """A message its consumer could never handle, kept for an operator to inspect and replay."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [_DEAD_LETTER_EXAMPLE]})

    id: uuid.UUID
    service: str = ""
    consumer: str
    subject: str
    message_key: str
    payload: str
    error: str
    deliveries: int
    created_at: datetime
    replayed_at: datetime | None


class DeadLetterPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [_DEAD_LETTER_EXAMPLE], "next_cursor": "MjAyNi0xMi0wMVQwOTozMFo"}]}
    )

    items: list[DeadLetterRead]
    next_cursor: str | None = None


class DeadLetterNotFound(NotFound):
    code = "dead_letter_not_found"
    title = "未找到该死信"


OpsOnly = Annotated[Identity, Depends(require_roles("ops"))]

router = APIRouter(prefix="/v1/admin/dead-letters", tags=["operations"])


@router.get("", response_model=DeadLetterPage, summary="List dead letters (newest first)")
async def list_dead_letters(
    session: SessionDep,
    runtime: RuntimeDep,
    _ops: OpsOnly,
    include_replayed: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> DeadLetterPage:
    """Messages this service could not handle, with the error and the payload, for an operator."""
    query = select(DeadLetter).order_by(DeadLetter.created_at.desc()).limit(limit)
    if not include_replayed:
        query = query.where(DeadLetter.replayed_at.is_(None))
    rows = (await session.scalars(query)).all()
    items = [
        DeadLetterRead.model_validate(row).model_copy(update={"service": runtime.settings.service_name}) for row in rows
    ]
    return DeadLetterPage(items=items)


@router.post("/{dead_letter_id}/replay", response_model=DeadLetterRead, summary="Replay one dead letter")
async def replay(dead_letter_id: uuid.UUID, session: SessionDep, runtime: RuntimeDep, _ops: OpsOnly) -> DeadLetterRead:
    """Publish the message again (under a new message id) so its consumer handles it once more."""
    letter = await replay_dead_letter(session, runtime.bus, dead_letter_id)
    if letter is None:
        raise DeadLetterNotFound(f"死信 {dead_letter_id} 不存在")
    return DeadLetterRead.model_validate(letter).model_copy(update={"service": runtime.settings.service_name})
