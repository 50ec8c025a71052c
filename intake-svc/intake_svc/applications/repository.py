"""SQL of applications, their tasks and timeline."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from intake_svc.applications.models import Application, ApplicationTask, TimelineEntry
from onevisit.db import utcnow


async def get(session: AsyncSession, application_id: uuid.UUID, *, for_update: bool = False) -> Application | None:
    statement = select(Application).where(Application.id == application_id)
    if for_update:
        # Serialises submit, withdraw and supplement of one application on PostgreSQL
        # (SQLite already serialises writers with BEGIN IMMEDIATE).
        statement = statement.with_for_update()
    return await session.scalar(statement)


def add(session: AsyncSession, application: Application) -> None:
    session.add(application)


async def page(
    session: AsyncSession,
    *,
    visible_to: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Application]:
    """Newest first; `visible_to` limits to applications that subject owns or typed in (None: all)."""
    statement: Select[tuple[Application]] = select(Application)
    if visible_to is not None:
        statement = statement.where(
            or_(Application.applicant_subject == visible_to, Application.created_by == visible_to)
        )
    if after is not None:
        statement = statement.where(tuple_(Application.created_at, Application.id) < tuple_(*after))
    statement = statement.order_by(Application.created_at.desc(), Application.id.desc()).limit(limit)
    return list((await session.scalars(statement)).all())


async def tasks_of(session: AsyncSession, application_id: uuid.UUID) -> list[ApplicationTask]:
    statement = (
        select(ApplicationTask)
        .where(ApplicationTask.application_id == application_id)
        .order_by(ApplicationTask.item_code)
    )
    return list((await session.scalars(statement)).all())


async def get_task(session: AsyncSession, application_id: uuid.UUID, item_code: str) -> ApplicationTask | None:
    return await session.get(ApplicationTask, (application_id, item_code))


def add_task(session: AsyncSession, task: ApplicationTask) -> None:
    session.add(task)


def record(
    session: AsyncSession,
    application_id: uuid.UUID,
    *,
    actor: str,
    event: str,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    session.add(
        TimelineEntry(application_id=application_id, at=at or utcnow(), actor=actor, event=event, detail=detail or {})
    )


async def timeline_of(session: AsyncSession, application_id: uuid.UUID) -> list[TimelineEntry]:
    statement = select(TimelineEntry).where(TimelineEntry.application_id == application_id).order_by(TimelineEntry.id)
    return list((await session.scalars(statement)).all())
