"""SQL of the audit log: insert and read, never update or delete (the database refuses both)."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.audit.models import AuditEntry


def add(session: AsyncSession, entry: AuditEntry) -> None:
    session.add(entry)


async def search(
    session: AsyncSession,
    *,
    subject: str | None,
    client_id: str | None,
    request_id: str | None,
    application_id: str | None,
    before: datetime | None,
    limit: int,
) -> Sequence[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    for column, value in (
        (AuditEntry.subject, subject),
        (AuditEntry.client_id, client_id),
        (AuditEntry.request_id, request_id),
        (AuditEntry.application_id, application_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if before is not None:
        query = query.where(AuditEntry.at < before)
    return (await session.scalars(query)).all()
