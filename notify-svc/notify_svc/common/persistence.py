"""Small persistence helpers shared by the features of notify-svc."""

import base64
import json
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from onevisit.errors import ValidationFailed

T = TypeVar("T")


async def insert_once(session: AsyncSession, row: T) -> bool:
    """Insert a row guarded by a unique constraint; False when another transaction already has it.

    A savepoint keeps the outer transaction (the consumer's message) alive when the insert
    collides, so a concurrent replica handling a sibling event never makes us drop ours.
    """
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        return False
    return True


class InvalidCursor(ValidationFailed):
    code = "invalid_cursor"
    title = "分页游标无效"


def encode_cursor(at: datetime, row_id: UUID) -> str:
    raw = json.dumps([at.isoformat(), str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        at, row_id = json.loads(base64.urlsafe_b64decode(padded))
        return datetime.fromisoformat(at), UUID(row_id)
    except (ValueError, TypeError) as exc:
        raise InvalidCursor("分页游标格式不正确") from exc
