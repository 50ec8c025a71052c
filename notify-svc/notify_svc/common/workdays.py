"""Hotline reply deadlines on the platform's working-day calendar (onevisit.calendar, with 调休 and
the holiday table ops can replace through ONEVISIT_HOLIDAYS_FILE).

Past the calendar's last known year a reply deadline is still set, counting Monday to Friday,
and flagged `estimated`: a citizen's ticket must always have a due date.
"""

from datetime import UTC, date, datetime, time

from onevisit.calendar import CHINA_TZ as CHINA
from onevisit.calendar import default_calendar

END_OF_WORKING_DAY = time(18, 0)

__all__ = ["CHINA", "add_working_days", "reply_deadline"]


def add_working_days(start: date, days: int) -> tuple[date, bool]:
    """The day `days` working days after `start` (the start day itself not counted); True if estimated."""
    deadline = default_calendar().deadline(datetime.combine(start, time(12), CHINA), days, "working_days")
    return deadline.at.astimezone(CHINA).date(), deadline.provisional


def reply_deadline(received_at: datetime, days: int) -> tuple[datetime, bool]:
    """End of the working day `days` working days after the day of receipt (Beijing time), in UTC."""
    day, estimated = add_working_days(received_at.astimezone(CHINA).date(), days)
    return datetime.combine(day, END_OF_WORKING_DAY, tzinfo=CHINA).astimezone(UTC), estimated
