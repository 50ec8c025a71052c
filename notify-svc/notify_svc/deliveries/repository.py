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
