"""SQL of ratings."""

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.deliveries.models import Delivery
from notify_svc.ratings.models import Rating


async def get(session: AsyncSession, rating_id: uuid.UUID) -> Rating | None:
    return await session.scalar(
        select(Rating).where(Rating.id == rating_id).with_for_update().execution_options(populate_existing=True)
    )


async def of_target(session: AsyncSession, *, target_type: str, target_id: uuid.UUID) -> Rating | None:
    return await session.scalar(select(Rating).where(Rating.target_type == target_type, Rating.target_id == target_id))


async def with_follow_up(session: AsyncSession, *, status: str | None) -> Sequence[Rating]:
    query = select(Rating).where(Rating.follow_up_status.is_not(None))
    if status is not None:
        query = query.where(Rating.follow_up_status == status)
    return (await session.scalars(query.order_by(Rating.created_at.desc()).limit(500))).all()


async def all_ratings(session: AsyncSession) -> Sequence[Rating]:
    return (await session.scalars(select(Rating))).all()


async def delivery_outcomes(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(Delivery.outcome, func.count()).where(Delivery.outcome.is_not(None)).group_by(Delivery.outcome)
    )
    return {outcome: count for outcome, count in rows.all()}
