"""Idempotency-Key records for POSTs that create something: the same key returns the same answer."""

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from onevisit.db import Base, utcnow
from onevisit.errors import Conflict


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_records"

    scope: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    response: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    title = "该幂等键已用于另一个请求"


def request_fingerprint(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


async def recorded_response(
    session: AsyncSession, *, scope: str, key: str, request_hash: str
) -> IdempotencyRecord | None:
    """The answer given before for this key, or None; a key reused for another request is refused."""
    record = await session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.scope == scope, IdempotencyRecord.key == key)
    )
    if record is not None and record.request_hash != request_hash:
        raise IdempotencyKeyReused(f"Idempotency-Key {key} 已用于不同的请求内容")
    return record


def record_response(
    session: AsyncSession, *, scope: str, key: str, request_hash: str, status_code: int, response: dict[str, Any]
) -> None:
    session.add(
        IdempotencyRecord(scope=scope, key=key, request_hash=request_hash, status_code=status_code, response=response)
    )
