"""Each task's two clocks (legal 法定 and promised 承诺 limits) on the Chinese working-day calendar.

The calendar is `onevisit.calendar`: "自受理之日起 N 个工作日", the day the task starts is not
counted and the deadline is the end (23:59:59 Beijing time) of the Nth working day after it. Its
year tables come from `chinese_calendar`, replaced or extended by the file named in the dispatch
setting `holidays_file` (else by the platform-wide ONEVISIT_HOLIDAYS_FILE).

The clock stands still while the department waits for the applicant: from the department's
`needs_correction` until the applicant's supplement, and while a material of the item accepted
missing at submission (容缺) is not supplied yet (the task is out with its department meanwhile),
but no longer than its `supplement_by`: a lapsed material no longer stops the department's time.
Paused, the task uses none of its time and raises no warning; on resume both deadlines move on
by the working days the clock stood still. `tasks.service._sync_clock` decides when.
"""

import functools
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from dispatch_svc.tasks.models import Task
from onevisit.calendar import CHINA_TZ, WorkingCalendar, default_calendar, load_calendar


@functools.cache
def working_calendar(holidays_file: Path | None) -> WorkingCalendar:
    """The calendar dispatch counts with, read once per file (the file is fixed for the process)."""
    return load_calendar(holidays_file) if holidays_file is not None else default_calendar()


def deadline_for(
    limit: dict[str, Any] | None, *, start: datetime, calendar: WorkingCalendar
) -> tuple[datetime | None, bool]:
    """(deadline, provisional) for a limit `{value, unit}` counted from `start`."""
    if not limit:
        return None, False
    deadline = calendar.deadline(start, int(limit.get("value", 0)), limit.get("unit", "working_days"))
    return deadline.at, deadline.provisional


def set_deadlines(task: Task, *, start: datetime, calendar: WorkingCalendar) -> None:
    task.legal_deadline, legal_provisional = deadline_for(task.legal_limit, start=start, calendar=calendar)
    task.promised_deadline, promised_provisional = deadline_for(task.promised_limit, start=start, calendar=calendar)
    task.deadline_provisional = legal_provisional or promised_provisional


def is_paused(task: Task) -> bool:
    """Whether the clock stands still: an open pause interval."""
    return stands_still(task.paused_intervals)


def stands_still(paused_intervals: list[dict[str, Any]]) -> bool:
    """Whether these pause intervals (a task's `paused_intervals`) leave one open."""
    return any(interval.get("to") is None for interval in paused_intervals)


def paused_since(task: Task) -> datetime | None:
    """When the open pause began; None while the clock runs."""
    return next((datetime.fromisoformat(i["from"]) for i in task.paused_intervals if i.get("to") is None), None)


def pause(task: Task, *, at: datetime, reason: str) -> None:
    """Stop the clock (once: a second pause while paused changes nothing)."""
    if is_paused(task):
        return
    task.paused_intervals = [*task.paused_intervals, {"from": at.isoformat(), "to": None, "reason": reason}]


def resume(task: Task, *, at: datetime, calendar: WorkingCalendar) -> None:
    """Close the open pause and push both deadlines on by the working days it lasted."""
    intervals = [dict(i) for i in task.paused_intervals]
    open_ones = [i for i in intervals if i.get("to") is None]
    if not open_ones:
        return
    interval = open_ones[0]
    interval["to"] = at.isoformat()
    task.paused_intervals = intervals
    paused_from = datetime.fromisoformat(interval["from"]).astimezone(CHINA_TZ).date()
    lost, guessed = _working_days_stood_still(calendar, paused_from, at.astimezone(CHINA_TZ).date())
    if lost:
        for attribute in ("legal_deadline", "promised_deadline"):
            current = getattr(task, attribute)
            if current is not None:
                moved = calendar.deadline(current, lost, "working_days")
                setattr(task, attribute, moved.at)
                guessed = guessed or moved.provisional
    task.deadline_provisional = task.deadline_provisional or guessed


def _working_days_stood_still(calendar: WorkingCalendar, paused_from: date, resumed_on: date) -> tuple[int, bool]:
    """(working days after `paused_from` up to and including `resumed_on`, whether a year was guessed).

    Like `WorkingCalendar.deadline`, a year without a holiday table counts Monday to Friday and
    makes the answer provisional, rather than refusing to resume the task.
    """
    count, guessed, day = 0, False, paused_from
    while day < resumed_on:
        day += timedelta(days=1)
        if calendar.knows_year(day.year):
            count += calendar.is_working_day(day)
        else:
            guessed = True
            count += day.weekday() < 5
    return count, guessed


def paused_seconds(task: Task, *, now: datetime, closed_only: bool = False) -> float:
    """Time the clock stood still; an open pause counts up to `now` unless `closed_only`."""
    total = 0.0
    for interval in task.paused_intervals:
        if interval.get("to") is None and closed_only:
            continue
        ended = datetime.fromisoformat(interval["to"]) if interval.get("to") else now
        total += max(0.0, (ended - datetime.fromisoformat(interval["from"])).total_seconds())
    return total


def share_used(task: Task, *, now: datetime) -> float | None:
    """How much of the promised time is used, paused time excluded; None without a promised deadline.

    A closed pause both moved the deadline on and took no time, so it leaves the span
    (`allowed`) as well as the time used; an open pause only stops the time used, which
    therefore stands still until the supplement.
    """
    if task.promised_deadline is None or task.clock_started_at is None:
        return None
    allowed = (task.promised_deadline - task.clock_started_at).total_seconds()
    allowed -= paused_seconds(task, now=now, closed_only=True)
    used = (now - task.clock_started_at).total_seconds() - paused_seconds(task, now=now)
    return used / allowed if allowed > 0 else float("inf")
