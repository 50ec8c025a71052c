"""Working days until `onevisit.calendar` lands in the shared library; same call
(add_working_days(start, n)), so switching is an import change."""

from datetime import date, timedelta

import chinese_calendar


def add_working_days(start: date, days: int) -> date:
    """The day `days` working days after `start` (which is not counted), on the Chinese calendar
    with 调休; raises for a year the calendar does not know rather than guess."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if chinese_calendar.is_workday(current):
            remaining -= 1
    return current
