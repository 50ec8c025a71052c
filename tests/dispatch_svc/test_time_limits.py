"""Working-day deadlines (a configured year table moves them), yellow and red warnings raised once
even by racing replicas, on-time rates."""

import asyncio
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import yaml
from sqlalchemy import select

from dispatch_svc.deadlines.clock import deadline_for, working_calendar
from dispatch_svc.deadlines.service import scan
from dispatch_svc.main import create_app
from dispatch_svc.settings import Settings
from dispatch_svc.tasks.models import Task
from onevisit.bus import Bus
from onevisit.calendar import CHINA_TZ, YearTable, load_calendar, package_years
from onevisit.db import utcnow
from onevisit.outbox import OutboxMessage
from tests.dispatch_svc.conftest import Catalog, Dispatch, publish, submitted
from tests.support.infra import eventually, running_app


def test_deadlines_follow_the_chinese_calendar_and_unknown_years_are_provisional() -> None:
    calendar = working_calendar(None)
    # National Day 2025: 10-01..10-08 off, Saturday 10-11 a 调休 working day.
    started = datetime(2025, 9, 30, 10, 0, tzinfo=CHINA_TZ)
    assert deadline_for({"value": 5, "unit": "working_days"}, start=started, calendar=calendar) == (
        datetime(2025, 10, 14, 23, 59, 59, tzinfo=CHINA_TZ),
        False,
    )
    assert deadline_for({"value": 3, "unit": "calendar_days"}, start=started, calendar=calendar)[0] == datetime(
        2025, 10, 3, 23, 59, 59, tzinfo=CHINA_TZ
    )
    late_2026 = datetime(2026, 12, 30, 10, 0, tzinfo=CHINA_TZ)
    assert deadline_for({"value": 3, "unit": "working_days"}, start=late_2026, calendar=calendar)[1] is True
    assert deadline_for(None, start=started, calendar=calendar) == (None, False)


def _year_table_with_days_off(path: Path, first: date, days: int) -> Path:
    """A holidays file for the years of `first` .. `first + days`: the package's table (or a bare
    Monday-to-Friday year it does not know), with `days` more days off from `first` on."""
    off = [first + timedelta(days=n) for n in range(days)]
    known = package_years()
    document = {}
    for year in sorted({day.year for day in off}):
        table = known.get(year, YearTable(holidays=frozenset(), workdays=frozenset()))
        holidays = sorted(table.holidays | {day for day in off if day.year == year})
        document[year] = {"holidays": [d.isoformat() for d in holidays], "workdays": sorted(map(str, table.workdays))}
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


async def test_a_replaced_year_table_moves_the_deadline(
    catalog: Catalog, dispatch_settings: Settings, bus: Bus, tmp_path: Path
) -> None:
    # The week after today becomes a holiday in the configured table: I03's 1-working-day promise
    # (and its 5-day legal limit) must end after it, where the package's table ends it earlier.
    today = utcnow().astimezone(CHINA_TZ).date()
    holidays = _year_table_with_days_off(tmp_path / "holidays.yaml", today + timedelta(days=1), 9)
    settings = dispatch_settings.model_copy(update={"holidays_file": holidays})
    app = create_app(settings, catalog_transport=httpx.ASGITransport(app=catalog.app))
    event = submitted(await catalog.bundle(), items=["I01", "I03"])
    async with running_app(app) as client:
        dispatch = Dispatch(app, client)
        await publish(bus, event)

        async def sent() -> Task | None:
            task = (await dispatch.tasks(event.application_id)).get("I03")
            return task if task is not None and task.status == "dispatched" else None

        task = await eventually(sent)
    assert task.clock_started_at is not None and task.promised_deadline is not None
    configured = load_calendar(holidays).deadline(task.clock_started_at, 1, "working_days").at
    packaged = working_calendar(None).deadline(task.clock_started_at, 1, "working_days").at
    assert task.promised_deadline == configured
    assert task.promised_deadline.astimezone(CHINA_TZ).date() > today + timedelta(days=9)
    assert configured != packaged


async def test_warnings_are_raised_once_per_level_and_rates_count_deadlines(
    catalog: Catalog, dispatch: Dispatch, bus: Bus, identity_header
) -> None:
    bundle = await catalog.bundle()
    event = submitted(bundle, items=["I01", "I03"])
    await publish(bus, event)

    async def sent() -> bool:
        tasks = await dispatch.tasks(event.application_id)
        return bool(tasks) and tasks["I03"].status == "dispatched"

    await eventually(sent)
    task = (await dispatch.tasks(event.application_id))["I03"]
    assert task.promised_deadline is not None and task.legal_deadline is not None
    assert task.legal_deadline > task.promised_deadline  # 5 working days against 1
    factory = dispatch.app.state.runtime.session_factory
    elapsed = task.promised_deadline - task.clock_started_at

    async def scan_at(share: float) -> int:
        async with factory() as session:
            raised = await scan(session, now=task.clock_started_at + elapsed * share, yellow_threshold=0.8)
            await session.commit()
            return raised

    assert await scan_at(0.5) == 0
    # Two replicas scanning at the same moment raise the yellow warning once between them.
    assert sum(await asyncio.gather(scan_at(0.85), scan_at(0.85))) == 1
    assert await scan_at(0.9) == 0
    assert await scan_at(1.01) == 1
    assert await scan_at(2.0) == 0
    async with factory() as session:
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.subject.like("%deadline_warning")))
        levels = [json.loads(row.payload)["level"] for row in rows]
    assert sorted(levels) == ["red", "yellow"]

    police = identity_header(subject="clerk", role="department", department="public_security")
    decided = await dispatch.client.post(
        f"/v1/dept/tasks/{task.id}/result", json={"decision": "approved", "outputs": {}}, headers=police
    )
    assert decided.json()["applied"] is True
    rates = (await dispatch.client.get("/v1/dept/on-time-rates", headers=police)).json()["items"]
    assert rates == [{"department_code": "public_security", "decided": 1, "on_time": 1, "rate": 1.0, "open_overdue": 0}]
    ops = identity_header(subject="ops", role="ops")
    everyone = (await dispatch.client.get("/v1/dept/on-time-rates", headers=ops)).json()["items"]
    assert {r["department_code"] for r in everyone} == {"public_security"}  # 秒批 decisions are not counted
