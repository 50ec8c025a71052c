"""SQL of deliveries."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.deliveries.models import Delivery


async def by_application(
    session: AsyncSession, application_id: uuid.UUID, *, for_update: bool = False
) -> Delivery | None:
    query = select(Delivery).where(Delivery.application_id == application_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(query)


async def by_tracking_number(session: AsyncSession, tracking_number: str) -> Delivery | None:
    query = select(Delivery).where(Delivery.tracking_number == tracking_number).with_for_update()
    return await session.scalar(query.execution_options(populate_existing=True))
