"""The working-day (工作日) calendar: public holidays and 调休 working weekends (DOMAIN.md section 5).

Years come from `chinese_calendar` (2004-2026 in 1.11.0). A YAML file named by the environment
variable ONEVISIT_HOLIDAYS_FILE adds the years the package does not know yet, or replaces a year
the package got wrong, without waiting for a release; a year in the file replaces the package's
table for that year entirely:

    2027:
      holidays: [2027-01-01, 2027-02-06, ...]   # days off, weekdays or not
      workdays: [2027-02-14, ...]               # 调休 weekends that are working days

Counting follows "自受理之日起 N 个工作日": the acceptance day is not counted, so the deadline is
the Nth working day after it; a start on a non-working day counts from the next working day,
which is then the first day (this is `chinese_calendar.find_workday`).

Unknown years: DOMAIN.md recommends refusing a deadline that crosses a year the calendar does not
know. Here `is_working_day`, `add_working_days` and `working_days_between` do refuse
(`UnknownCalendarYear`). `deadline()` does not: the State Council announces next year's
holidays around November, so from late autumn on every 20-working-day limit would cross into an
unknown year and no application could be accepted. It counts Monday to Friday in such a year,
returns `provisional=True` and logs a warning, so the caller can show the deadline as provisional
and recompute it once the year is configured.
"""

import functools
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

# Neither ships type information (types-PyYAML is not among the dev requirements).
import chinese_calendar  # type: ignore[import-untyped]
import yaml  # type: ignore[import-untyped]

logger = logging.getLogger(__name__)

CHINA_TZ = ZoneInfo("Asia/Shanghai")
HOLIDAYS_FILE_ENV = "ONEVISIT_HOLIDAYS_FILE"
END_OF_DAY = time(23, 59, 59)

LimitUnit = Literal["working_days", "calendar_days"]


class UnknownCalendarYear(LookupError):
    """The calendar has no holiday table for this year, so working days cannot be told apart."""

    def __init__(self, year: int):
        super().__init__(f"no working-day calendar for {year}; add it to ${HOLIDAYS_FILE_ENV}")
        self.year = year


@dataclass(frozen=True)
class YearTable:
    """One year's exceptions to Monday-to-Friday."""

    holidays: frozenset[date]
    workdays: frozenset[date]


@dataclass(frozen=True)
class Deadline:
    """The end (23:59:59 Beijing time) of a limit's last day; provisional when counted on a guess."""

    at: datetime
    provisional: bool


class WorkingCalendar:
    """Working days over the years it has a table for."""

    def __init__(self, years: Mapping[int, YearTable]):
        self._years = dict(years)

    def knows_year(self, year: int) -> bool:
        return year in self._years

    def is_working_day(self, day: date) -> bool:
        """Whether `day` is a working day; raises UnknownCalendarYear for a year with no table."""
        table = self._years.get(day.year)
        if table is None:
            raise UnknownCalendarYear(day.year)
        return _is_working(day, table)

    def add_working_days(self, start: date, n: int) -> date:
        """The Nth working day after `start` (N = 0: `start` if it is a working day, else the next)."""
        day, _ = self._add_working_days(start, n, guess_unknown_years=False)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative when `end` is before `start`."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(self.is_working_day(day) for day in _days_after(start, end))

    def deadline(self, start: datetime, value: int, unit: LimitUnit) -> Deadline:
        """Deadline of a limit of `value` working or calendar days counted from the aware `start`."""
        if start.tzinfo is None:
            raise ValueError("deadline start must be timezone-aware")
        start_day = start.astimezone(CHINA_TZ).date()
        if unit == "calendar_days":
            return Deadline(at=_end_of_day(start_day + timedelta(days=value)), provisional=False)
        if unit != "working_days":
            raise ValueError(f"unknown limit unit {unit!r}")
        last_day, provisional = self._add_working_days(start_day, value, guess_unknown_years=True)
        if provisional:
            logger.warning(
                "provisional deadline %s: %d working days from %s cross a year without a holiday table (%s)",
                last_day,
                value,
                start_day,
                HOLIDAYS_FILE_ENV,
            )
        return Deadline(at=_end_of_day(last_day), provisional=provisional)

    def _add_working_days(self, start: date, n: int, *, guess_unknown_years: bool) -> tuple[date, bool]:
        """(the Nth working day after `start`, whether a year without a table was guessed)."""
        if n < 0:
            raise ValueError("the number of working days must not be negative")
        guessed = False

        def working(day: date) -> bool:
            nonlocal guessed
            table = self._years.get(day.year)
            if table is not None:
                return _is_working(day, table)
            if not guess_unknown_years:
                raise UnknownCalendarYear(day.year)
            guessed = True
            return day.weekday() < 5

        day = start
        if n == 0:
            while not working(day):
                day += timedelta(days=1)
            return day, guessed
        remaining = n
        while remaining:
            day += timedelta(days=1)
            remaining -= working(day)
        return day, guessed


def _is_working(day: date, table: YearTable) -> bool:
    # 调休 weekends are listed as workdays; holidays may include weekend days, which changes nothing.
    return day in table.workdays or (day.weekday() < 5 and day not in table.holidays)


def _days_after(start: date, end: date) -> Iterable[date]:
    for offset in range(1, (end - start).days + 1):
        yield start + timedelta(days=offset)


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=CHINA_TZ)


def package_years() -> dict[int, YearTable]:
    """Every year `chinese_calendar` knows, including years whose exceptions are all weekends."""
    first, last = min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year
    return {
        year: YearTable(
            holidays=frozenset(day for day in chinese_calendar.holidays if day.year == year),
            workdays=frozenset(day for day in chinese_calendar.workdays if day.year == year),
        )
        for year in range(first, last + 1)
    }


def load_year_tables(path: Path) -> dict[int, YearTable]:
    """Read a holidays file: `{year: {holidays: [dates], workdays: [dates]}}`."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(document, dict):
        raise ValueError(f"{path}: expected a mapping of years")
    return {int(year): _year_table(path, int(year), entry or {}) for year, entry in document.items()}


def _year_table(path: Path, year: int, entry: Any) -> YearTable:
    if not isinstance(entry, dict) or set(entry) - {"holidays", "workdays"}:
        raise ValueError(f"{path}: year {year} must hold only 'holidays' and 'workdays' lists")
    return YearTable(
        holidays=_dates_of_year(path, year, entry.get("holidays") or []),
        workdays=_dates_of_year(path, year, entry.get("workdays") or []),
    )


def _dates_of_year(path: Path, year: int, values: list[Any]) -> frozenset[date]:
    # PyYAML already turns unquoted 2027-01-01 into a date; quoted ones arrive as strings.
    days = frozenset(value if isinstance(value, date) else date.fromisoformat(str(value)) for value in values)
    strays = sorted(day for day in days if day.year != year)
    if strays:
        raise ValueError(f"{path}: year {year} lists dates of another year: {strays}")
    return days


def load_calendar(holidays_file: Path | None = None) -> WorkingCalendar:
    """The package's years, with the years of `holidays_file` added or replacing them."""
    years = package_years()
    if holidays_file is not None:
        years.update(load_year_tables(holidays_file))
    return WorkingCalendar(years)


@functools.cache
def default_calendar() -> WorkingCalendar:
    """The process-wide calendar, with ONEVISIT_HOLIDAYS_FILE applied when it is set."""
    configured = os.environ.get(HOLIDAYS_FILE_ENV)
    return load_calendar(Path(configured) if configured else None)
