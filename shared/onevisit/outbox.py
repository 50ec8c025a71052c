"""Transactional outbox: an event row is written in the same transaction as the change it
describes; the relay publishes unsent rows with `Nats-Msg-Id` = event id, then marks them sent.

A crash between the commit and the publish loses nothing: the row is still unsent and the next
relay pass (in this process after restart, or in another replica) publishes it; JetStream drops
the duplicate if the first publish did reach it.
"""

import asyncio
import json
import logging
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from onevisit.bus import Bus
from onevisit.db import Base, utcnow
from onevisit.events import Event
from onevisit.metrics import OUTBOX_PUBLISHED

log = logging.getLogger("onevisit.outbox")


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)

    @classmethod
    def from_event(cls, event: Event, headers: dict[str, str] | None = None) -> "OutboxMessage":
        return cls(
            id=event.event_id,
            subject=event.subject,
            payload=event.model_dump_json(),
            headers=headers or {},
            created_at=utcnow(),
        )

    @classmethod
    def from_json(
        cls, subject: str, body: dict[str, Any], *, msg_id: uuid.UUID, headers: dict[str, str] | None = None
    ) -> "OutboxMessage":
        """For messages that are not events (department tasks), keyed by a stable id."""
        return cls(
            id=msg_id,
            subject=subject,
            payload=json.dumps(body, ensure_ascii=False, default=str),
            headers=headers or {},
            created_at=utcnow(),
        )


class OutboxRelay:
    """Publishes unsent outbox rows; woken right after a commit, and polling as a safety net."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        bus: Bus,
        *,
        poll_seconds: float = 0.5,
        batch_size: int = 200,
    ):
        self.session_factory = session_factory
        self.bus = bus
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        backoff = self.poll_seconds
        while not self._stopping:
            try:
                while await self.publish_pending() >= self.batch_size:
                    pass
                backoff = self.poll_seconds
            except Exception as exc:
                log.warning("outbox relay pass failed, retrying in %.1fs: %s", backoff, exc)
                backoff = min(backoff * 2, 10.0)
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=backoff)
            except TimeoutError:
                pass
            self._wake.clear()

    async def publish_pending(self) -> int:
        """Publish one batch of unsent rows in order; returns how many were published."""
        if self._is_sqlite:
            return await self._publish_pending_without_holding_the_database()
        async with self.session_factory() as session:
            # PostgreSQL: rows stay locked while publishing, so replicas share the work (SKIP LOCKED)
            # without blocking anyone else's writes.
            rows = (await session.scalars(self._unsent().with_for_update(skip_locked=True))).all()
            try:
                await self._publish(rows)
            finally:
                await session.commit()
            return len(rows)

    async def _publish_pending_without_holding_the_database(self) -> int:
        """SQLite has one writer: read the batch, publish with no transaction open, then mark it
        sent. A crash in between re-publishes rows that JetStream then drops as duplicates."""
        async with self.session_factory() as session:
            rows = (await session.scalars(self._unsent())).all()
            await session.commit()
        if not rows:
            return 0
        try:
            await self._publish(rows)
        finally:
            async with self.session_factory() as session:
                for row in rows:
                    await session.merge(row)
                await session.commit()
        return len(rows)

    @property
    def _is_sqlite(self) -> bool:
        bind = self.session_factory.kw.get("bind")
        return bind is not None and bind.dialect.name == "sqlite"

    def _unsent(self) -> Select[OutboxMessage]:
        return (
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None))
            .order_by(OutboxMessage.created_at)
            .limit(self.batch_size)
        )

    async def _publish(self, rows: Sequence[OutboxMessage]) -> None:
        """Publish in order, marking each row on the object; stops at the first failure."""
        for row in rows:
            row.attempts += 1
            try:
                await self.bus.publish_raw(
                    row.subject, row.payload.encode(), msg_id=str(row.id), headers=row.headers or None
                )
            except Exception as exc:
                row.last_error = str(exc)[:500]
                raise
            row.sent_at = utcnow()
            OUTBOX_PUBLISHED.inc()
