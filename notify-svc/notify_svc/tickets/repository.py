"""SQL of tickets and the routing catalogue."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.tickets.models import OPEN_STATUSES, RoutingRule, Ticket


async def get(session: AsyncSession, ticket_id: uuid.UUID, *, for_update: bool = False) -> Ticket | None:
    query = select(Ticket).where(Ticket.id == ticket_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(query)


async def rules(session: AsyncSession, *, region: str) -> Sequence[RoutingRule]:
    query = select(RoutingRule).where(or_(RoutingRule.region.is_(None), RoutingRule.region == region))
    return (await session.scalars(query.order_by(RoutingRule.priority, RoutingRule.keyword))).all()


async def open_of_submitter(
    session: AsyncSession, *, submitter: str, phone: str | None, type_: str, since: datetime
) -> Sequence[Ticket]:
    who = Ticket.submitter_subject == submitter
    if phone:
        who = or_(who, Ticket.contact["phone"].as_string() == phone)
    query = select(Ticket).where(
        who,
        Ticket.type == type_,
        Ticket.status.in_(OPEN_STATUSES),
        Ticket.merged_into.is_(None),
        Ticket.created_at >= since,
    )
    return (await session.scalars(query.order_by(Ticket.created_at))).all()


async def page(
    session: AsyncSession,
    *,
    submitter: str | None,
    department: str | None,
    status: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[Ticket]:
    query = select(Ticket).where(Ticket.merged_into.is_(None))
    if submitter is not None:
        query = query.where(Ticket.submitter_subject == submitter)
    if department is not None:
        query = query.where(Ticket.department == department)
    if status is not None:
        query = query.where(Ticket.status == status)
    if after is not None:
        at, row_id = after
        query = query.where(or_(Ticket.created_at < at, and_(Ticket.created_at == at, Ticket.id < row_id)))
    return (await session.scalars(query.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit))).all()


async def overdue(session: AsyncSession, *, now: datetime) -> Sequence[Ticket]:
    query = (
        select(Ticket)
        .where(Ticket.status.in_(OPEN_STATUSES), Ticket.due_at < now, Ticket.escalation_level == 0)
        .with_for_update(skip_locked=True)
    )
    return (await session.scalars(query)).all()


async def all_for_stats(session: AsyncSession) -> Sequence[Ticket]:
    return (await session.scalars(select(Ticket).where(Ticket.merged_into.is_(None)))).all()
