"""SQL of licences."""

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.licences.models import Licence


async def by_holder(session: AsyncSession, *, holder_code: str) -> Sequence[Licence]:
    query = select(Licence).where(Licence.holder_code == holder_code).order_by(Licence.issue_date.desc())
    return (await session.scalars(query)).all()


async def by_number(session: AsyncSession, *, number: str) -> Licence | None:
    return await session.scalar(select(Licence).where(Licence.number == number))


async def by_application(session: AsyncSession, *, application_id: uuid.UUID) -> Sequence[Licence]:
    query = select(Licence).where(Licence.application_id == application_id).order_by(Licence.created_at)
    return (await session.scalars(query)).all()
