"""SQL for applications, tasks and task events."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch_svc.tasks.models import DispatchApplication, Task, TaskEvent


async def get_application(
    session: AsyncSession, application_id: uuid.UUID, *, lock: bool = False
) -> DispatchApplication | None:
    """The application; `lock` serialises every change of one application across replicas."""
    query = select(DispatchApplication).where(DispatchApplication.id == application_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def tasks_of(session: AsyncSession, application_id: uuid.UUID) -> list[Task]:
    rows = await session.scalars(select(Task).where(Task.application_id == application_id).order_by(Task.item_code))
    return list(rows)


async def get_task(session: AsyncSession, task_id: uuid.UUID) -> Task | None:
    return await session.get(Task, task_id)


async def department_tasks(
    session: AsyncSession,
    *,
    department_code: str,
    status: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[Task]:
    """A department's tasks, oldest dispatch first, keyset-paginated on (created_at, id)."""
    query = select(Task).where(Task.department_code == department_code).order_by(Task.created_at, Task.id)
    if status:
        query = query.where(Task.status == status)
    else:
        # A task not yet sent is none of the department's business.
        query = query.where(Task.status != "pending")
    if after is not None:
        created_at, task_id = after
        query = query.where((Task.created_at > created_at) | ((Task.created_at == created_at) & (Task.id > task_id)))
    return (await session.scalars(query.limit(limit))).all()


async def task_events(session: AsyncSession, task_id: uuid.UUID) -> Sequence[TaskEvent]:
    return (await session.scalars(select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(TaskEvent.at))).all()
