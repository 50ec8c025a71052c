"""The working-day calendar against DOMAIN.md section 5, unknown years and a holidays file."""

import logging
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from onevisit import calendar as calendar_module
from onevisit.calendar import (
    CHINA_TZ,
    Deadline,
    UnknownCalendarYear,
    WorkingCalendar,
    default_calendar,
    load_calendar,
)


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return load_calendar()


def test_knows_the_package_years_only(cal: WorkingCalendar) -> None:
    assert cal.knows_year(2004) and cal.knows_year(2026)
    assert not cal.knows_year(2027)


def test_working_saturday_and_national_day(cal: WorkingCalendar) -> None:
    assert cal.is_working_day(date(2026, 2, 14))  # 调休 Saturday
    assert not cal.is_working_day(date(2025, 10, 1))
    assert not cal.is_working_day(date(2025, 10, 8))  # Wednesday inside the holiday
    assert cal.is_working_day(date(2025, 10, 9))


def test_unknown_year_is_refused(cal: WorkingCalendar) -> None:
    with pytest.raises(UnknownCalendarYear) as raised:
        cal.is_working_day(date(2027, 1, 4))
    assert raised.value.year == 2027
    with pytest.raises(UnknownCalendarYear):
        cal.add_working_days(date(2026, 12, 28), 10)


def test_five_working_days_over_national_day(cal: WorkingCalendar) -> None:
    # find_workday(5, 2025-09-30): skips 10-01..10-08 and counts Saturday 10-11 (调休).
    assert cal.add_working_days(date(2025, 9, 30), 5) == date(2025, 10, 14)


def test_acceptance_day_is_not_counted(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(date(2025, 6, 9), 1) == date(2025, 6, 10)  # Monday → Tuesday
    assert cal.add_working_days(date(2025, 6, 9), 0) == date(2025, 6, 9)


def test_start_on_a_holiday_counts_from_the_next_working_day(cal: WorkingCalendar) -> None:
    # Filed on 2025-10-03 (holiday): 10-09 is the first day, 10-11 (a 调休 Saturday) the third.
    assert cal.add_working_days(date(2025, 10, 3), 1) == date(2025, 10, 9)
    assert cal.add_working_days(date(2025, 10, 3), 3) == date(2025, 10, 11)
    assert cal.add_working_days(date(2025, 10, 3), 0) == date(2025, 10, 9)


def test_working_days_between_inverts_add(cal: WorkingCalendar) -> None:
    assert cal.working_days_between(date(2025, 9, 30), date(2025, 10, 14)) == 5
    assert cal.working_days_between(date(2025, 10, 14), date(2025, 9, 30)) == -5
    assert cal.working_days_between(date(2025, 10, 1), date(2025, 10, 1)) == 0


def test_working_day_deadline_is_end_of_day_in_beijing(cal: WorkingCalendar) -> None:
    # 2025-09-30 20:00 UTC is already 10-01 in Beijing, a holiday: the count starts on 10-09.
    accepted = datetime(2025, 9, 30, 20, 0, tzinfo=ZoneInfo("UTC"))
    assert cal.deadline(accepted, 1, "working_days") == Deadline(
        at=datetime(2025, 10, 9, 23, 59, 59, tzinfo=CHINA_TZ), provisional=False
    )


def test_calendar_day_deadline_ignores_holidays(cal: WorkingCalendar) -> None:
    accepted = datetime(2025, 9, 30, 9, 0, tzinfo=CHINA_TZ)
    deadline = cal.deadline(accepted, 5, "calendar_days")
    assert deadline.at == datetime.combine(date(2025, 10, 5), time(23, 59, 59), tzinfo=CHINA_TZ)
    assert not deadline.provisional


def test_deadline_crossing_an_unknown_year_is_provisional(
    cal: WorkingCalendar, caplog: pytest.LogCaptureFixture
) -> None:
    accepted = datetime(2026, 12, 28, 10, 0, tzinfo=CHINA_TZ)  # Monday
    with caplog.at_level(logging.WARNING, logger="onevisit.calendar"):
        deadline = cal.deadline(accepted, 10, "working_days")
    # 12-29..12-31 are 3 (no holiday: 2027-01-01 is guessed as a plain Friday), then 7 weekdays.
    assert deadline == Deadline(at=datetime(2027, 1, 11, 23, 59, 59, tzinfo=CHINA_TZ), provisional=True)
    assert "provisional deadline" in caplog.text


def test_deadline_within_known_years_is_not_provisional(cal: WorkingCalendar) -> None:
    accepted = datetime(2026, 12, 1, 10, 0, tzinfo=CHINA_TZ)
    assert not cal.deadline(accepted, 10, "working_days").provisional


def test_naive_start_is_refused(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError):
        cal.deadline(datetime(2025, 9, 30, 9, 0), 5, "working_days")


HOLIDAYS_2027 = """\
2027:
  holidays: [2027-01-01, 2027-01-04]
  workdays: ['2027-01-09']
2026:
  holidays: [2026-12-31]
"""


@pytest.fixture
def holidays_file(tmp_path: Path) -> Path:
    path = tmp_path / "holidays.yaml"
    path.write_text(HOLIDAYS_2027, encoding="utf-8")
    return path


def test_holidays_file_adds_a_year(holidays_file: Path) -> None:
    cal = load_calendar(holidays_file)
    assert cal.knows_year(2027)
    assert not cal.is_working_day(date(2027, 1, 4))  # a Monday made a holiday
    assert cal.is_working_day(date(2027, 1, 9))  # a Saturday made a working day
    deadline = cal.deadline(datetime(2026, 12, 28, 10, 0, tzinfo=CHINA_TZ), 10, "working_days")
    assert not deadline.provisional


def test_holidays_file_replaces_a_year_of_the_package(holidays_file: Path) -> None:
    cal = load_calendar(holidays_file)
    assert not cal.is_working_day(date(2026, 12, 31))
    # The file's 2026 has no Spring Festival, so it really replaced the package's table.
    assert cal.is_working_day(date(2026, 2, 17))
    assert not load_calendar().is_working_day(date(2026, 2, 17))


def test_holidays_file_with_a_date_of_another_year_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "holidays.yaml"
    path.write_text("2027:\n  holidays: [2028-01-01]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="another year"):
        load_calendar(path)


def test_default_calendar_reads_the_environment(holidays_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(calendar_module.HOLIDAYS_FILE_ENV, str(holidays_file))
    default_calendar.cache_clear()
    try:
        assert default_calendar().knows_year(2027)
        assert default_calendar() is default_calendar()
    finally:
        default_calendar.cache_clear()
