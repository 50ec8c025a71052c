"""容缺受理: materials accepted missing at submission, which the applicant supplies later.

As in counter practice, the departments concerned start work at once and the material follows:
their tasks are sent without waiting, naming the material in `pending_materials`. The applicant's
delay is not the department's, so each such task's time-limit clock stands still until the
material arrives; then the task is sent again (same task id, attempt + 1) with the material's link.

The applicant has until `supplement_by`. The deadline scanner reminds them one working day before
(at 09:00 Beijing time on the working day before the last one) and, once it has passed, marks the
deficiency lapsed: the clocks run again and the departments may decide without the material. A
material supplied after its lapse is still taken and sent on to a department that has not decided.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from dispatch_svc.tasks.models import Task
from onevisit.calendar import CHINA_TZ, WorkingCalendar
from onevisit.events import Deficiency

# When the reminder goes out: the start of a working morning, not the middle of the night.
REMINDER_TIME = time(9, 0)


def recorded(
    deficiencies: list[Deficiency], *, accepted_at: datetime, calendar: WorkingCalendar
) -> list[dict[str, Any]]:
    """The deficiencies of a submission as the application keeps them, none supplied yet.

    A reminder moment already past at acceptance is dropped: the applicant was just told the deadline.
    """
    kept = []
    for deficiency in deficiencies:
        remind_at = reminder_moment(deficiency.supplement_by, calendar)
        kept.append(
            {
                **deficiency.model_dump(mode="json"),
                "supplied_at": None,
                "remind_at": remind_at.isoformat() if remind_at > accepted_at else None,
                "reminded_at": None,
                "lapsed_at": None,
            }
        )
    return kept


def reminder_moment(supplement_by: datetime, calendar: WorkingCalendar) -> datetime:
    """09:00 Beijing time on the working day before the last day to supply the material."""
    day = supplement_by.astimezone(CHINA_TZ).date() - timedelta(days=1)
    while not _is_working_day(calendar, day):
        day -= timedelta(days=1)
    return datetime.combine(day, REMINDER_TIME, tzinfo=CHINA_TZ)


def _is_working_day(calendar: WorkingCalendar, day: date) -> bool:
    # A year without a holiday table counts Monday to Friday, as the clock does.
    return calendar.is_working_day(day) if calendar.knows_year(day.year) else day.weekday() < 5


def concerns(deficiency: dict[str, Any], task: Task) -> bool:
    """Whether the task's item needs the material: by the items intake named, else by the item's materials."""
    items = deficiency.get("items") or []
    return task.item_code in items if items else deficiency["material_code"] in task.material_codes


def _missing(deficiency: dict[str, Any]) -> bool:
    return deficiency.get("supplied_at") is None


def _awaited(deficiency: dict[str, Any]) -> bool:
    """Still missing and not lapsed: the applicant is within their time, so the clocks wait."""
    return _missing(deficiency) and deficiency.get("lapsed_at") is None


def open_for(task: Task, deficiencies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The materials this task still lacks, lapsed or not (its department works without them)."""
    return [d for d in deficiencies if _missing(d) and concerns(d, task)]


def awaited_for(task: Task, deficiencies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The materials this task's clock waits for: missing, and their supplement deadline not passed."""
    return [d for d in deficiencies if _awaited(d) and concerns(d, task)]


def fill(
    deficiencies: list[dict[str, Any]], materials: list[dict[str, Any]], *, at: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(every deficiency, with those the supplied materials answer marked supplied; the ones just filled).

    A lapsed deficiency is filled too: a department that has not decided may still use the material."""
    supplied = {m.get("material_code") for m in materials}
    updated, filled = [], []
    for deficiency in deficiencies:
        if _missing(deficiency) and deficiency["material_code"] in supplied:
            deficiency = {**deficiency, "supplied_at": at.isoformat()}
            filled.append(deficiency)
        updated.append(deficiency)
    return updated, filled


def follow_up(
    deficiencies: list[dict[str, Any]], *, now: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(every deficiency with what fell due marked; those to remind of now; those lapsed now).

    A deficiency whose deadline passed lapses without a reminder (the scanner was down, say):
    reminding of a deadline already gone helps nobody.
    """
    updated, reminded, lapsed = [], [], []
    for deficiency in deficiencies:
        if _awaited(deficiency):
            if now > datetime.fromisoformat(deficiency["supplement_by"]):
                deficiency = {**deficiency, "lapsed_at": now.isoformat()}
                lapsed.append(deficiency)
            elif _reminder_due(deficiency, now=now):
                deficiency = {**deficiency, "reminded_at": now.isoformat()}
                reminded.append(deficiency)
        updated.append(deficiency)
    return updated, reminded, lapsed


def _reminder_due(deficiency: dict[str, Any], *, now: datetime) -> bool:
    remind_at = deficiency.get("remind_at")
    return bool(remind_at) and deficiency.get("reminded_at") is None and now >= datetime.fromisoformat(remind_at)


def next_due(deficiencies: list[dict[str, Any]]) -> datetime | None:
    """The next moment the scanner has something to do: a reminder to send or a deadline to pass."""
    moments = []
    for deficiency in deficiencies:
        if not _awaited(deficiency):
            continue
        if deficiency.get("remind_at") and deficiency.get("reminded_at") is None:
            moments.append(datetime.fromisoformat(deficiency["remind_at"]))
        else:
            moments.append(datetime.fromisoformat(deficiency["supplement_by"]))
    return min(moments, default=None)
