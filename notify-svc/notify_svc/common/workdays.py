"""Working days (工作日) on the Chinese calendar, with 调休, for hotline reply deadlines.

`chinese_calendar` knows each year only once the State Council has announced it. Past its last
year we count Monday to Friday and say so (`estimated`), because a reply deadline must still be
set; legal time limits (dispatch's) must refuse instead.
"""

import logging
from datetime import UTC, date, datetime, time, timedelta, timezone

import chinese_calendar

log = logging.getLogger("notify_svc.workdays")

CHINA = timezone(timedelta(hours=8))
END_OF_WORKING_DAY = time(18, 0)


def add_working_days(start: date, days: int) -> tuple[date, bool]:
    """The day `days` working days after `start` (the start day itself not counted); True if estimated."""
    try:
        return chinese_calendar.find_workday(days, start), False
    except NotImplementedError:
        log.warning("calendar unknown past %s; counting Monday to Friday", start)
        current, left = start, days
        while left > 0:
            current += timedelta(days=1)
            if current.weekday() < 5:
                left -= 1
        return current, True


def reply_deadline(received_at: datetime, days: int) -> tuple[datetime, bool]:
    """End of the working day `days` working days after the day of receipt (Beijing time), in UTC."""
    day, estimated = add_working_days(received_at.astimezone(CHINA).date(), days)
    return datetime.combine(day, END_OF_WORKING_DAY, tzinfo=CHINA).astimezone(UTC), estimated
