"""Working-day deadlines, yellow and red warnings raised once even by racing replicas, on-time rates."""

import asyncio
import json
from datetime import date

from sqlalchemy import select

from dispatch_svc.deadlines import calendar
from dispatch_svc.deadlines.service import scan
from onevisit.bus import Bus
from onevisit.outbox import OutboxMessage
from tests.dispatch_svc.conftest import Catalog, Dispatch, publish, submitted
from tests.support.infra import eventually


def test_working_days_follow_the_chinese_calendar_and_unknown_years_are_provisional() -> None:
    # National Day 2025: 10-01..10-08 off, Saturday 10-11 a 调休 working day.
    assert calendar.add_working_days(date(2025, 9, 30), 5) == (date(2025, 10, 14), False)
    assert calendar.add_working_days(date(2025, 10, 1), 0) == (date(2025, 10, 9), False)
    assert calendar.working_days_between(date(2025, 9, 30), date(2025, 10, 11)) == (3, False)
    assert calendar.add_working_days(date(2026, 12, 30), 3)[1] is True


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
