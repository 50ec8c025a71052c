"""Working days on the Chinese calendar (public holidays and 调休 working weekends).

`chinese_calendar` knows the years the State Council has announced and raises for the others;
there we count Monday to Friday and mark the answer provisional rather than guess holidays.
"""

from datetime import date, timedelta

import chinese_calendar


def is_working_day(day: date) -> tuple[bool, bool]:
    """(working?, provisional?)"""
    try:
        return chinese_calendar.is_workday(day), False
    except NotImplementedError:
        return day.weekday() < 5, True


def add_working_days(day: date, count: int) -> tuple[date, bool]:
    """The `count`th working day after `day` (0: `day` itself if it is one, else the next)."""
    provisional = False
    current = day
    working, unknown = is_working_day(current)
    provisional |= unknown
    remaining = count if working or count > 0 else 1
    if count == 0 and working:
        return current, provisional
    while remaining:
        current += timedelta(days=1)
        working, unknown = is_working_day(current)
        provisional |= unknown
        if working:
            remaining -= 1
    return current, provisional


def working_days_between(start: date, end: date) -> tuple[int, bool]:
    """Working days after `start` up to and including `end`."""
    count, provisional, current = 0, False, start
    while current < end:
        current += timedelta(days=1)
        working, unknown = is_working_day(current)
        provisional |= unknown
        count += working
    return count, provisional
