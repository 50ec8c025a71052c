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


class DeadLetterRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

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
