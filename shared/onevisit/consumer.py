"""Durable pull consumers with explicit acks, idempotent handling and a dead-letter table.

A handler runs inside one transaction together with the record that the message was processed;
the message is acked only after that commit. A transient failure is nak'ed with backoff; a
message that can never succeed (bad schema, `PermanentError`) or that ran out of deliveries is
written to `dead_letters` and terminated, where an operator can inspect and replay it.
"""

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import nats.errors
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from onevisit.bus import Bus
from onevisit.db import Base, new_id, utcnow
from onevisit.metrics import MESSAGES_CONSUMED

log = logging.getLogger("onevisit.consumer")

BACKOFF_SECONDS = (1, 2, 5, 10, 30, 60, 120, 300)


class PermanentError(Exception):
    """The message can never be handled (unknown entity, contract broken): dead-letter it."""


class ProcessedMessage(Base):
    """(consumer, message key) pairs already handled: the idempotency record of consumers."""

    __tablename__ = "processed_messages"

    consumer: Mapped[str] = mapped_column(String(100), primary_key=True)
    message_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeadLetter(Base):
    __tablename__ = "dead_letters"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    consumer: Mapped[str] = mapped_column(String(100), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    message_key: Mapped[str] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str] = mapped_column(Text)
    deliveries: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    replayed_at: Mapped[datetime | None] = mapped_column(default=None)


@dataclass(frozen=True)
class MessageContext:
    subject: str  # in code form (`onevisit.…`), whatever the bus namespace
    key: str
    headers: dict[str, str]
    deliveries: int


Handler = Callable[[AsyncSession, Any, MessageContext], Awaitable[None]]


@dataclass
class Route:
    """Which model a subject's payload is, and what handles it (None: acknowledge, nothing to do)."""

    model: type[BaseModel]
    handle: Handler | None


class _Unread(BaseModel):
    model_config = ConfigDict(extra="ignore")


# Events a consumer sees but does not act on (a wildcard filter, or a NATS server before 2.10
# that cannot filter several subjects): acked at once, with no transaction and no record, since
# redelivering them changes nothing.
IGNORE = Route(_Unread, None)


@dataclass
class Consumer:
    """A durable pull consumer on one stream; routes by subject (a trailing `>` or `*` matches)."""

    name: str
    stream: str
    filter_subject: str
    routes: dict[str, Route]
    max_deliver: int = len(BACKOFF_SECONDS) + 1
    ack_wait_seconds: float = 60
    batch_size: int = 32
    after_commit: Callable[[], None] = field(default=lambda: None)

    def route_for(self, subject: str) -> Route | None:
        if subject in self.routes:
            return self.routes[subject]
        for pattern, route in self.routes.items():
            if _matches(pattern, subject):
                return route
        return None


def _matches(pattern: str, subject: str) -> bool:
    p_parts, s_parts = pattern.split("."), subject.split(".")
    for i, part in enumerate(p_parts):
        if part == ">":
            return len(s_parts) > i
        if i >= len(s_parts) or (part != "*" and part != s_parts[i]):
            return False
    return len(p_parts) == len(s_parts)


class ConsumerRunner:
    def __init__(self, bus: Bus, session_factory: async_sessionmaker[AsyncSession], consumer: Consumer):
        self.bus = bus
        self.session_factory = session_factory
        self.consumer = consumer
        self._stopping = False
        self._subscription: Any = None

    def stop(self) -> None:
        self._stopping = True

    async def subscribe(self) -> Any:
        c = self.consumer
        config = ConsumerConfig(
            durable_name=c.name,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=c.ack_wait_seconds,
            max_deliver=c.max_deliver,
            max_ack_pending=1000,
            filter_subject=self.bus.subject(c.filter_subject),
        )
        return await self.bus.js.pull_subscribe(
            self.bus.subject(c.filter_subject), durable=c.name, stream=self.bus.stream(c.stream), config=config
        )

    async def run(self) -> None:
        subscription = None
        try:
            await self._fetch_and_process(subscription)
        finally:
            if self._subscription is not None:
                try:
                    await self._subscription.unsubscribe()
                except Exception:
                    pass

    async def _fetch_and_process(self, subscription: Any) -> None:
        while not self._stopping:
            try:
                if subscription is None:
                    subscription = self._subscription = await self.subscribe()
                messages = await subscription.fetch(self.consumer.batch_size, timeout=1)
            except (nats.errors.TimeoutError, TimeoutError):
                continue
            except Exception as exc:
                log.warning("consumer %s fetch failed: %s", self.consumer.name, exc)
                subscription = None
                await asyncio.sleep(1)
                continue
            for msg in messages:
                await self.process(msg)

    async def process(self, msg: Msg) -> None:
        subject = self.bus.unnamespaced(msg.subject)
        headers = dict(msg.headers or {})
        deliveries = msg.metadata.num_delivered if msg.metadata else 1
        key = headers.get("Nats-Msg-Id") or f"{msg.metadata.stream}:{msg.metadata.sequence.stream}"
        ctx = MessageContext(subject=subject, key=key, headers=headers, deliveries=deliveries)
        route = self.consumer.route_for(subject)
        if route is not None and route.handle is None:
            await msg.ack()
            MESSAGES_CONSUMED.labels(self.consumer.name, "ignored").inc()
            return
        try:
            if route is None:
                raise PermanentError(f"no handler for subject {subject}")
            try:
                payload = route.model.model_validate_json(msg.data)
            except ValidationError as exc:
                raise PermanentError(f"payload does not match {route.model.__name__}: {exc}") from exc
            handled = await self._handle_once(route, payload, ctx)
            await msg.ack()
            MESSAGES_CONSUMED.labels(self.consumer.name, "handled" if handled else "duplicate").inc()
        except PermanentError as exc:
            await self._dead_letter(msg, ctx, str(exc))
        except Exception as exc:
            if deliveries >= self.consumer.max_deliver:
                await self._dead_letter(msg, ctx, f"gave up after {deliveries} deliveries: {exc!r}")
                return
            delay = BACKOFF_SECONDS[min(deliveries - 1, len(BACKOFF_SECONDS) - 1)]
            log.warning(
                "consumer %s: %s failed (delivery %d), retry in %ss: %r",
                self.consumer.name,
                subject,
                deliveries,
                delay,
                exc,
            )
            MESSAGES_CONSUMED.labels(self.consumer.name, "retried").inc()
            await msg.nak(delay=delay)

    async def _handle_once(self, route: Route, payload: Any, ctx: MessageContext) -> bool:
        """Run the handler and record the message in one transaction; False if seen before."""
        assert route.handle is not None  # IGNORE routes are acked before this
        async with self.session_factory() as session:
            seen = await session.scalar(
                select(ProcessedMessage.message_key).where(
                    ProcessedMessage.consumer == self.consumer.name, ProcessedMessage.message_key == ctx.key
                )
            )
            if seen is not None:
                return False
            await route.handle(session, payload, ctx)
            session.add(ProcessedMessage(consumer=self.consumer.name, message_key=ctx.key))
            try:
                await session.commit()
            except IntegrityError:
                # Another replica handled the same message first: its commit stands, ours is void.
                await session.rollback()
                return False
        self.consumer.after_commit()
        return True

    async def _dead_letter(self, msg: Msg, ctx: MessageContext, error: str) -> None:
        log.error("consumer %s: dead letter for %s (%s): %s", self.consumer.name, ctx.subject, ctx.key, error)
        async with self.session_factory() as session:
            session.add(
                DeadLetter(
                    consumer=self.consumer.name,
                    subject=ctx.subject,
                    message_key=ctx.key,
                    payload=msg.data.decode(errors="replace"),
                    headers=ctx.headers,
                    error=error[:4000],
                    deliveries=ctx.deliveries,
                )
            )
            await session.commit()
        await msg.term()
        MESSAGES_CONSUMED.labels(self.consumer.name, "dead_letter").inc()


async def replay_dead_letter(session: AsyncSession, bus: Bus, dead_letter_id: uuid.UUID) -> DeadLetter | None:
    """Publish a dead letter again under a fresh message id so JetStream does not drop it."""
    letter = await session.get(DeadLetter, dead_letter_id)
    if letter is None:
        return None
    headers = {k: v for k, v in (letter.headers or {}).items() if k != "Nats-Msg-Id"}
    headers["OneVisit-Replay-Of"] = letter.message_key
    await bus.publish_raw(letter.subject, letter.payload.encode(), msg_id=f"replay-{letter.id}", headers=headers)
    letter.replayed_at = utcnow()
    return letter


def dumps(body: Any) -> str:
    return json.dumps(body, ensure_ascii=False, default=str)
