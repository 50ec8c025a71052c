"""The Open311 reads over the tickets table: only tickets filed through Open311 are public (the
hotline's other tickets are private conversations with citizens)."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.tickets.models import Ticket

OPEN311_SOURCE = "open311"
MAX_RESULTS = 1000


def _public() -> Select[Ticket]:
    return select(Ticket).where(Ticket.source == OPEN311_SOURCE)


async def by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Sequence[Ticket]:
    query = _public().where(Ticket.id.in_(ids)).order_by(Ticket.created_at.desc())
    return (await session.scalars(query)).all()


async def search(
    session: AsyncSession,
    *,
    service_codes: Sequence[str] | None,
    statuses: Sequence[str] | None,
    requested_from: datetime,
    requested_to: datetime,
) -> Sequence[Ticket]:
    """Requests filed in the window, newest first, at most MAX_RESULTS (the spec's limit)."""
    query = _public().where(Ticket.created_at >= requested_from, Ticket.created_at <= requested_to)
    if service_codes:
        query = query.where(Ticket.service_code.in_(service_codes))
    if statuses:
        query = query.where(Ticket.status.in_(statuses))
    return (await session.scalars(query.order_by(Ticket.created_at.desc()).limit(MAX_RESULTS))).all()


async def changed_between(session: AsyncSession, *, since: datetime, until: datetime) -> Sequence[Ticket]:
    """Requests filed by `until` and changed since `since`: their histories hold the window's updates."""
    query = _public().where(Ticket.updated_at >= since, Ticket.created_at <= until, Ticket.merged_into.is_(None))
    return (await session.scalars(query.order_by(Ticket.updated_at))).all()


async def merged_copy(session: AsyncSession, *, primary_id: uuid.UUID, submitter: str) -> Ticket | None:
    """The row the ticket service just added for a filing merged into `primary_id`."""
    query = (
        select(Ticket)
        .where(Ticket.merged_into == primary_id, Ticket.submitter_subject == submitter)
        .order_by(Ticket.created_at.desc())
        .limit(1)
    )
    return await session.scalar(query)
