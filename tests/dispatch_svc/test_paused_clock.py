"""A correction pauses the task's clock: no time used and no warning while the applicant is asked,
and the supplement pushes both deadlines on by the working days the clock stood still.

(An open deficiency, 容缺, pauses it the same way: test_deficiencies_and_licences.py.)"""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from dept_simulator.settings import DepartmentProfile
from dispatch_svc.deadlines import clock
from dispatch_svc.deadlines.service import scan
from dispatch_svc.tasks.models import Task
from onevisit.bus import Bus
from onevisit.calendar import CHINA_TZ
from onevisit.db import utcnow
from onevisit.events import ApplicationSupplemented
from tests.dispatch_svc.conftest import Catalog, Dispatch, Recorder, publish, simulator, submitted
from tests.support.infra import eventually

ASK_CORRECTION = DepartmentProfile(approve_share=0, correct_share=1, delay_min_seconds=0, delay_max_seconds=0.01)
PROMISE = {"value": 1, "unit": "working_days"}
LEGAL = {"value": 5, "unit": "working_days"}


def _task_started(at: datetime) -> Task:
    task = Task(promised_limit=PROMISE, legal_limit=LEGAL, paused_intervals=[], deadline_provisional=False)
    task.clock_started_at = at
    clock.set_deadlines(task, start=at, calendar=clock.working_calendar(None))
    return task


def test_a_correction_stops_the_clock_and_the_supplement_moves_the_deadlines_by_the_working_days_lost() -> None:
    calendar = clock.working_calendar(None)
    monday = datetime(2026, 11, 2, 10, 0, tzinfo=CHINA_TZ)
    task = _task_started(monday)
    assert task.promised_deadline == datetime(2026, 11, 3, 23, 59, 59, tzinfo=CHINA_TZ)
    assert task.legal_deadline == datetime(2026, 11, 9, 23, 59, 59, tzinfo=CHINA_TZ)

    clock.pause(task, at=monday + timedelta(hours=1), reason="needs_correction")
    used_when_asked = clock.share_used(task, now=monday + timedelta(hours=1))
    assert clock.is_paused(task)
    # While the applicant is asked, no time is used, however long it takes.
    friday = datetime(2026, 11, 6, 10, 0, tzinfo=CHINA_TZ)
    assert clock.share_used(task, now=friday) == pytest.approx(used_when_asked)
    assert clock.share_used(task, now=friday + timedelta(days=30)) == pytest.approx(used_when_asked)

    clock.resume(task, at=friday, calendar=calendar)
    assert not clock.is_paused(task)
    # Tuesday to Friday stood still: 4 working days, on both clocks.
    assert task.promised_deadline == datetime(2026, 11, 9, 23, 59, 59, tzinfo=CHINA_TZ)
    assert task.legal_deadline == datetime(2026, 11, 13, 23, 59, 59, tzinfo=CHINA_TZ)
    # The share counts the active time against the active span: the moved deadline is 100 %.
    assert clock.share_used(task, now=task.promised_deadline) == pytest.approx(1.0)
    assert clock.share_used(task, now=friday) < 0.05


def test_a_pause_over_a_holiday_moves_the_deadline_by_working_days_only() -> None:
    calendar = clock.working_calendar(None)
    task = _task_started(datetime(2025, 9, 29, 10, 0, tzinfo=CHINA_TZ))  # Monday before National Day
    promised = task.promised_deadline
    clock.pause(task, at=datetime(2025, 9, 29, 11, 0, tzinfo=CHINA_TZ), reason="needs_correction")
    clock.resume(task, at=datetime(2025, 10, 9, 9, 0, tzinfo=CHINA_TZ), calendar=calendar)
    # Lost: 09-30 and 10-09 (10-01..10-08 are off): 2 working days, not 10 calendar days.
    assert promised == datetime(2025, 9, 30, 23, 59, 59, tzinfo=CHINA_TZ)
    assert task.promised_deadline == datetime(2025, 10, 10, 23, 59, 59, tzinfo=CHINA_TZ)
    assert task.deadline_provisional is False


async def test_no_warning_while_the_applicant_is_asked_and_the_supplement_moves_the_deadline(
    catalog: Catalog, dispatch: Dispatch, bus: Bus, recorder: Recorder, nats_url: str, bus_namespace: str
) -> None:
    bundle = await catalog.bundle()
    event = submitted(bundle, items=["I01", "I03"])
    async with simulator(nats_url, bus_namespace, departments={"public_security": ASK_CORRECTION}):
        await publish(bus, event)

        async def correction_requested() -> list[dict]:
            return recorder.of("onevisit.application.correction_requested", event.application_id)

        await eventually(correction_requested)
    # The department stops answering: after the supplement the task stays out, so its clock can be read.

    factory = dispatch.app.state.runtime.session_factory
    calendar = clock.working_calendar(None)
    # The state of a task sent 30 days ago and asked for a correction at once: deadlines long past.
    sent_at = utcnow() - timedelta(days=30)
    async with factory() as session:
        of_police = select(Task).where(Task.application_id == event.application_id, Task.item_code == "I03")
        task = await session.scalar(of_police)
        assert task is not None and task.status == "needs_correction" and clock.is_paused(task)
        task.clock_started_at = sent_at
        clock.set_deadlines(task, start=sent_at, calendar=calendar)
        task.paused_intervals = [{"from": sent_at.isoformat(), "to": None, "reason": "needs_correction"}]
        old_promised, old_legal = task.promised_deadline, task.legal_deadline
        await session.commit()
    assert old_promised is not None and old_legal is not None and old_promised < utcnow()

    async def scan_at(now: datetime) -> int:
        async with factory() as session:
            raised = await scan(session, now=now, yellow_threshold=0.8)
            await session.commit()
            return raised

    # Paused: overdue by the calendar, yet no warning.
    assert await scan_at(utcnow()) == 0

    supplement = ApplicationSupplemented(application_id=event.application_id, form_data={"child": {"name": "张小明"}})
    await publish(bus, supplement)

    async def sent_again() -> Task | None:
        task = (await dispatch.tasks(event.application_id))["I03"]
        return task if task.status == "dispatched" and task.attempt == 2 else None

    task = await eventually(sent_again)
    resumed_at = datetime.fromisoformat(task.paused_intervals[-1]["to"])
    lost = calendar.working_days_between(sent_at.astimezone(CHINA_TZ).date(), resumed_at.astimezone(CHINA_TZ).date())
    assert lost >= 10  # 30 days hold at least 10 working days, whatever the holidays
    assert task.promised_deadline == calendar.deadline(old_promised, lost, "working_days").at
    assert task.legal_deadline == calendar.deadline(old_legal, lost, "working_days").at
    assert task.promised_deadline > utcnow()
    # Sent again, the clock runs from where it stopped: not overdue now, overdue after the moved deadline.
    assert await scan_at(utcnow()) == 0
    assert await scan_at(task.promised_deadline + timedelta(seconds=1)) == 1
