"""The time-limit scanner and on-time rates. Safe in several replicas: a warning is raised by the
one replica whose conditional update moved the task's warning level; a deficiency (容缺) is
reminded or lapsed by the one that first holds its application's row lock; the others change nothing."""

import logging
import uuid
from collections import defaultdict
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dispatch_svc.deadlines import clock
from dispatch_svc.deadlines.schemas import OnTimeRate
from dispatch_svc.settings import Settings
from dispatch_svc.tasks import service as tasks_service
from dispatch_svc.tasks.models import DispatchApplication, Task
from onevisit.events import TaskDeadlineWarning
from onevisit.outbox import OutboxMessage

LEVELS = {"none": 0, "yellow": 1, "red": 2}

log = logging.getLogger("dispatch_svc.scanner")


async def follow_up_deficiencies(
    session_factory: async_sessionmaker[AsyncSession], *, now: datetime, settings: Settings
) -> int:
    """Remind of every deficiency due soon and lapse every one past its `supplement_by`; returns the
    notices raised. One transaction per application, so one that fails holds up no other, and a
    lapse resumes its tasks' clocks before the warning scan that follows looks at them."""
    async with session_factory() as session:
        due = await _applications_with_deficiencies_due(session, now=now)
    raised = 0
    for application_id in due:
        try:
            async with session_factory() as session:
                raised += await tasks_service.follow_up_deficiencies(
                    session, application_id=application_id, now=now, settings=settings
                )
                await session.commit()
        except Exception as exc:
            log.warning("deficiency follow-up of application %s failed: %r", application_id, exc)
    return raised


async def _applications_with_deficiencies_due(session: AsyncSession, *, now: datetime) -> list[uuid.UUID]:
    rows = await session.scalars(
        select(DispatchApplication.id)
        .where(DispatchApplication.deficiency_due_at <= now)
        .order_by(DispatchApplication.deficiency_due_at)
    )
    return list(rows)


async def scan(session: AsyncSession, *, now: datetime, yellow_threshold: float) -> int:
    """Raise every warning now due; returns how many this call raised.

    Only tasks out with their department count, and only while their clock runs: one waiting for
    the applicant's correction (`needs_correction`), or out with its department but waiting for a
    material accepted missing (容缺), has its clock paused and raises nothing until the supplement
    resumes it.
    """
    running = await session.scalars(
        select(Task).where(
            Task.status == "dispatched", Task.promised_deadline.is_not(None), Task.warning_level != "red"
        )
    )
    raised = 0
    for task in running.all():
        if clock.is_paused(task):
            continue
        share = clock.share_used(task, now=now)
        if share is None or task.promised_deadline is None:
            continue
        level = "red" if now > task.promised_deadline else "yellow" if share >= yellow_threshold else "none"
        if LEVELS[level] <= LEVELS[task.warning_level]:
            continue
        moved = await session.execute(
            update(Task)
            .where(Task.id == task.id, Task.warning_level == task.warning_level)
            .values(warning_level=level)
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            continue  # another replica raised it first
        session.add(
            OutboxMessage.from_event(
                TaskDeadlineWarning(
                    application_id=task.application_id,
                    task_id=task.id,
                    item_code=task.item_code,
                    department_code=task.department_code,
                    level=level,  # type: ignore[arg-type]
                    promised_deadline=task.promised_deadline,
                    share_used=round(share, 3),
                )
            )
        )
        raised += 1
    return raised


async def on_time_rates(session: AsyncSession, *, department: str | None, now: datetime) -> list[OnTimeRate]:
    """Per department: tasks decided by the department within the promised deadline, and open
    overdue ones (a task whose clock is paused is not overdue: its deadline moves on at the resume)."""
    query = select(
        Task.department_code,
        Task.status,
        Task.decided_by,
        Task.decided_at,
        Task.promised_deadline,
        Task.paused_intervals,
    ).where(Task.promised_deadline.is_not(None), Task.dispatched_at.is_not(None))
    if department:
        query = query.where(Task.department_code == department)
    decided: dict[str, int] = defaultdict(int)
    on_time: dict[str, int] = defaultdict(int)
    overdue: dict[str, int] = defaultdict(int)
    for code, status, decided_by, decided_at, deadline, paused_intervals in (await session.execute(query)).all():
        if status == "dispatched":
            overdue[code] += now > deadline and not clock.stands_still(paused_intervals)
        elif status in {"approved", "rejected", "needs_correction"} and decided_by != "automatic":
            decided[code] += 1
            on_time[code] += decided_at <= deadline
    codes = sorted(set(decided) | set(overdue))
    return [
        OnTimeRate(
            department_code=code,
            decided=decided[code],
            on_time=on_time[code],
            rate=round(on_time[code] / decided[code], 4) if decided[code] else None,
            open_overdue=overdue[code],
        )
        for code in codes
    ]
