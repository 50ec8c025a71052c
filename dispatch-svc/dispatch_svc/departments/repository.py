"""SQL for department webhooks and their deliveries."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch_svc.departments.models import DepartmentWebhook, WebhookDelivery


async def webhook_of(session: AsyncSession, department_code: str) -> DepartmentWebhook | None:
    return await session.get(DepartmentWebhook, department_code)


async def due_deliveries(session: AsyncSession, *, now: datetime, limit: int) -> Sequence[uuid.UUID]:
    rows = await session.scalars(
        select(WebhookDelivery.id)
        .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
    )
    return rows.all()


async def lease(session: AsyncSession, *, delivery_id: uuid.UUID, seen_at: datetime, until: datetime) -> bool:
    """Take a due delivery for this replica by moving its next attempt on; False if another took it."""
    result = await session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= seen_at,
        )
        .values(next_attempt_at=until)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def get_delivery(session: AsyncSession, delivery_id: uuid.UUID) -> WebhookDelivery | None:
    return await session.get(WebhookDelivery, delivery_id)


async def deliveries_of(
    session: AsyncSession, *, department_code: str | None, status: str | None, limit: int
) -> Sequence[WebhookDelivery]:
    query = select(WebhookDelivery).order_by(WebhookDelivery.created_at.desc()).limit(limit)
    if department_code:
        query = query.where(WebhookDelivery.department_code == department_code)
    if status:
        query = query.where(WebhookDelivery.status == status)
    return (await session.scalars(query)).all()
