"""Each task's two clocks (legal 法定 and promised 承诺 limits) on the Chinese working-day calendar.

"自受理之日起 N 个工作日": the day the task starts is not counted; the deadline is the end of the
Nth working day after it. A correction pauses the clock; on resume the deadlines move on by the
working days the clock stood still.
"""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dispatch_svc.deadlines import calendar
from dispatch_svc.tasks.models import Task

CHINA = ZoneInfo("Asia/Shanghai")


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=CHINA)


def deadline_for(limit: dict[str, Any] | None, *, start: datetime) -> tuple[datetime | None, bool]:
    """(deadline, provisional) for a limit `{value, unit}` counted from `start`."""
    if not limit:
        return None, False
    day = start.astimezone(CHINA).date()
    value = int(limit.get("value", 0))
    if limit.get("unit") == "calendar_days":
        return _end_of_day(day + timedelta(days=value)), False
    due, provisional = calendar.add_working_days(day, value)
    return _end_of_day(due), provisional


def set_deadlines(task: Task, *, start: datetime) -> None:
    task.legal_deadline, legal_provisional = deadline_for(task.legal_limit, start=start)
    task.promised_deadline, promised_provisional = deadline_for(task.promised_limit, start=start)
    task.deadline_provisional = legal_provisional or promised_provisional


def pause(task: Task, *, at: datetime, reason: str) -> None:
    if any(interval.get("to") is None for interval in task.paused_intervals):
        return
    task.paused_intervals = [*task.paused_intervals, {"from": at.isoformat(), "to": None, "reason": reason}]


def resume(task: Task, *, at: datetime) -> None:
    """Close the open pause and push both deadlines on by the working days it lasted."""
    intervals = [dict(i) for i in task.paused_intervals]
    open_ones = [i for i in intervals if i.get("to") is None]
    if not open_ones:
        return
    interval = open_ones[0]
    interval["to"] = at.isoformat()
    task.paused_intervals = intervals
    paused_from = datetime.fromisoformat(interval["from"]).astimezone(CHINA).date()
    lost, provisional = calendar.working_days_between(paused_from, at.astimezone(CHINA).date())
    if lost:
        for attribute in ("legal_deadline", "promised_deadline"):
            current = getattr(task, attribute)
            if current is not None:
                moved, moved_provisional = calendar.add_working_days(current.astimezone(CHINA).date(), lost)
                setattr(task, attribute, _end_of_day(moved))
                provisional = provisional or moved_provisional
    task.deadline_provisional = task.deadline_provisional or provisional


def paused_seconds(task: Task, *, now: datetime) -> float:
    total = 0.0
    for interval in task.paused_intervals:
        ended = datetime.fromisoformat(interval["to"]) if interval.get("to") else now
        total += max(0.0, (ended - datetime.fromisoformat(interval["from"])).total_seconds())
    return total


def share_used(task: Task, *, now: datetime) -> float | None:
    """How much of the promised time is used, paused time excluded; None without a promised deadline."""
    if task.promised_deadline is None or task.clock_started_at is None:
        return None
    allowed = (task.promised_deadline - task.clock_started_at).total_seconds()
    used = (now - task.clock_started_at).total_seconds() - paused_seconds(task, now=now)
    return used / allowed if allowed > 0 else float("inf")
