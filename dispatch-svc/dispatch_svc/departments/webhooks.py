"""HTTP departments: each task is POSTed to the department's webhook, signed with HMAC-SHA256
over the timestamp and the body, retried with exponential backoff and full jitter until the
department answers 2xx; after `webhook_max_attempts` the delivery is dead and can be replayed.

Deliveries are rows written in the same transaction as the task, so none is lost on a crash;
a replica leases a due row (moving its next attempt on) before posting, so replicas share the work.
"""

import asyncio
import json
import logging
import random
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dispatch_svc.departments import repository as repo
from dispatch_svc.departments.models import WebhookDelivery
from dispatch_svc.settings import Settings
from dispatch_svc.tasks.models import Task
from onevisit.db import utcnow
from onevisit.signing import webhook_headers

log = logging.getLogger("dispatch_svc.webhooks")


async def enqueue_if_registered(session: AsyncSession, *, task: Task, body: dict[str, Any], now: datetime) -> None:
    """Queue the task for the department's webhook, when it registered one."""
    if await repo.webhook_of(session, task.department_code) is None:
        return
    session.add(
        WebhookDelivery(
            id=uuid.uuid5(task.id, f"webhook-{task.attempt}"),
            task_id=task.id,
            attempt_of_task=task.attempt,
            department_code=task.department_code,
            payload=json.dumps(body, ensure_ascii=False),
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )


def backoff_seconds(attempts: int, *, settings: Settings) -> float:
    """Equal jitter: between half and all of min(max, base * 2^attempts); never a tight loop, never a stampede."""
    ceiling = min(settings.webhook_backoff_max_seconds, settings.webhook_backoff_base_seconds * 2**attempts)
    return random.uniform(ceiling / 2, ceiling)


class WebhookSender:
    """Posts due deliveries; woken after commits, polling as a safety net."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        settings: Settings,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.session_factory = session_factory
        self.settings = settings
        self.client = httpx.AsyncClient(timeout=settings.webhook_timeout_seconds, transport=transport)
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                while await self.send_due() > 0:
                    pass
            except Exception as exc:
                log.warning("webhook pass failed: %r", exc)
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.settings.webhook_poll_seconds)
            except TimeoutError:
                pass
            self._wake.clear()

    async def send_due(self) -> int:
        now = utcnow()
        async with self.session_factory() as session:
            due = await repo.due_deliveries(session, now=now, limit=50)
            leased = []
            for delivery_id in due:
                until = now + timedelta(seconds=self.settings.webhook_lease_seconds)
                if await repo.lease(session, delivery_id=delivery_id, seen_at=now, until=until):
                    leased.append(delivery_id)
            await session.commit()
        await asyncio.gather(*(self._deliver(delivery_id) for delivery_id in leased))
        return len(leased)

    async def _deliver(self, delivery_id: uuid.UUID) -> None:
        # Read, post, record: no transaction is held open while the department takes its time.
        async with self.session_factory() as session:
            delivery = await repo.get_delivery(session, delivery_id)
            webhook = await repo.webhook_of(session, delivery.department_code) if delivery else None
            if delivery is None or delivery.status != "pending":
                return
            url, secret = (webhook.url, webhook.secret) if webhook else (None, None)
            body = delivery.payload.encode()
            message_id = f"task-{delivery.task_id}-{delivery.attempt_of_task}"
            await session.rollback()
        error = await self._post(url, secret, body, message_id) if url and secret else "webhook no longer registered"
        async with self.session_factory() as session:
            delivery = await repo.get_delivery(session, delivery_id)
            if delivery is None or delivery.status != "pending":
                return
            delivery.attempts += 1
            now = utcnow()
            if error is None:
                delivery.status = "delivered"
                delivery.delivered_at = now
                delivery.last_error = None
            elif delivery.attempts >= self.settings.webhook_max_attempts:
                delivery.status = "dead"
                delivery.last_error = error
                log.error("webhook delivery %s to %s is dead: %s", delivery.id, delivery.department_code, error)
            else:
                delivery.last_error = error
                delivery.next_attempt_at = now + timedelta(
                    seconds=backoff_seconds(delivery.attempts, settings=self.settings)
                )
            await session.commit()

    async def _post(self, url: str, secret: str, body: bytes, message_id: str) -> str | None:
        """None when the department acknowledged (2xx), else why not."""
        headers = {
            "Content-Type": "application/json",
            "Nats-Msg-Id": message_id,
            **webhook_headers(secret, body),
        }
        try:
            response = await self.client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return f"{exc.__class__.__name__}: {exc}"
        return None if response.status_code < 300 else f"HTTP {response.status_code}"

    async def close(self) -> None:
        await self.client.aclose()
