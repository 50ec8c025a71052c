"""The time-limit scanner and on-time rates. Safe in several replicas: a warning is raised by the
one replica whose conditional update moved the task's warning level; the others change nothing."""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch_svc.deadlines import clock
from dispatch_svc.deadlines.schemas import OnTimeRate
from dispatch_svc.tasks.models import Task
from onevisit.events import TaskDeadlineWarning
from onevisit.outbox import OutboxMessage

LEVELS = {"none": 0, "yellow": 1, "red": 2}


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
