"""SQL of notifications: the inbox, and the sender's queue (claim due rows, requeue stale ones)."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.notifications.models import CREATED, SENDING, TECHNICAL_FAILURE, TEMPORARY_FAILURE, Notification


async def list_inbox(
    session: AsyncSession, *, subject: str, after: tuple[datetime, uuid.UUID] | None, limit: int
) -> Sequence[Notification]:
    query = select(Notification).where(Notification.recipient_subject == subject, Notification.channel == "inbox")
    if after is not None:
        at, row_id = after
        query = query.where(
            or_(Notification.created_at < at, and_(Notification.created_at == at, Notification.id < row_id))
        )
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    return (await session.scalars(query)).all()


async def get(session: AsyncSession, notification_id: uuid.UUID) -> Notification | None:
    return await session.get(Notification, notification_id)


async def by_application(session: AsyncSession, application_id: uuid.UUID) -> Sequence[Notification]:
    query = select(Notification).where(Notification.application_id == application_id)
    return (await session.scalars(query.order_by(Notification.created_at))).all()


async def by_provider_reference(session: AsyncSession, *, provider_reference: str) -> Notification | None:
    return await session.scalar(select(Notification).where(Notification.provider_reference == provider_reference))


async def claim_due(session: AsyncSession, *, now: datetime, limit: int) -> Sequence[Notification]:
    """Rows waiting to be sent, locked so that another replica's sender skips them."""
    query = (
        select(Notification)
        .where(Notification.status == CREATED, Notification.next_attempt_at <= now)
        .order_by(Notification.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await session.scalars(query)).all()


async def get_many(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Notification]:
    rows = (await session.scalars(select(Notification).where(Notification.id.in_(ids)))).all()
    return {row.id: row for row in rows}


async def sweep_stale(session: AsyncSession, *, now: datetime, max_attempts: int, receipt_deadline: datetime) -> None:
    """Repair rows a crashed sender left behind, and give up on receipts that never came.

    A claim sets `next_attempt_at` to the end of its lease and leaves `provider` empty until the
    provider answered; such a row past its lease was being sent by a process that died.
    """
    abandoned = and_(
        Notification.status == SENDING, Notification.provider.is_(None), Notification.next_attempt_at < now
    )
    await session.execute(
        update(Notification)
        .where(abandoned, Notification.attempts < max_attempts)
        .values(status=CREATED, last_error="发送进程中断，重新发送")
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(Notification)
        .where(abandoned, Notification.attempts >= max_attempts)
        .values(status=TECHNICAL_FAILURE, completed_at=now, last_error="发送进程多次中断")
        .execution_options(synchronize_session=False)
    )
    # As Notify does: no delivery receipt within the deadline is a temporary failure.
    await session.execute(
        update(Notification)
        .where(
            Notification.status == SENDING,
            Notification.provider.is_not(None),
            Notification.sent_at < receipt_deadline,
        )
        .values(status=TEMPORARY_FAILURE, completed_at=now, last_error="未收到送达回执")
        .execution_options(synchronize_session=False)
    )
