"""What intake accepted without a file reaches the department: a material accepted missing (容缺)
is listed as pending, its task's clock stands still until the applicant supplies it, and the
supplement reaches the department as the same task, next attempt; a material an electronic
licence stands in for (免提交) is named with the licence to verify."""

import hashlib
import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from dispatch_svc.deadlines import clock
from dispatch_svc.deadlines.service import on_time_rates, scan
from dispatch_svc.tasks.models import DispatchApplication, Task
from onevisit.bus import Bus
from onevisit.calendar import CHINA_TZ
from onevisit.db import utcnow
from onevisit.events import ApplicationSupplemented, Deficiency
from tests.dispatch_svc.conftest import Catalog, Dispatch, Recorder, publish, simulator, submitted
from tests.support.infra import eventually

APPLICANT = "11010519491231002X"


class DepartmentInbox:
    """Every task message sent to one department, read straight from the TASKS stream."""

    def __init__(self, bus: Bus, department: str):
        self.bus = bus
        self.department = department
        self.messages: list[tuple[dict[str, str], dict[str, Any]]] = []
        self._subscription: Any = None

    async def __aenter__(self) -> "DepartmentInbox":
        async def collect(msg: Any) -> None:
            self.messages.append((dict(msg.headers or {}), json.loads(msg.data)))

        subject = self.bus.subject(f"onevisit.dept.{self.department}.task")
        self._subscription = await self.bus.js.subscribe(subject, cb=collect, ordered_consumer=True)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._subscription.unsubscribe()

    async def attempt(self, application_id: uuid.UUID, attempt: int) -> tuple[dict[str, str], dict[str, Any]]:
        async def arrived() -> tuple[dict[str, str], dict[str, Any]] | None:
            return next(
                (
                    (headers, body)
                    for headers, body in self.messages
                    if body["application_id"] == str(application_id) and body["attempt"] == attempt
                ),
                None,
            )

        return await eventually(arrived)


def supplement_deadline() -> datetime:
    """Five working days from now, as intake gives by default: never passed while a test runs."""
    return clock.working_calendar(None).deadline(utcnow(), 5, "working_days").at


def _bank_account_missing(bundle: dict[str, Any], items: list[str]) -> Any:
    """I07 (生育津贴, medical insurance) submitted with its bank account accepted missing."""
    event = submitted(bundle, items=items)
    supplement_by = supplement_deadline()
    return event.model_copy(
        update={
            "materials": [m for m in event.materials if m["material_code"] != "BANK_ACCT"],
            "deficiencies": [
                Deficiency(material_code="BANK_ACCT", name="银行账户", items=["I07"], supplement_by=supplement_by)
            ],
        }
    )


def _bank_account_file() -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "material_code": "BANK_ACCT",
        "sha256": "cd" * 32,
        "size": 200,
        "content_type": "application/pdf",
        "filename": "银行卡.pdf",
    }


async def test_an_open_deficiency_pauses_the_clock_and_its_supplement_reaches_the_department(
    catalog: Catalog, dispatch: Dispatch, bus: Bus
) -> None:
    bundle = await catalog.bundle()
    event = _bank_account_missing(bundle, ["I07", "I09"])
    factory = dispatch.app.state.runtime.session_factory
    calendar = clock.working_calendar(None)
    # No department answers in this test: the tasks stay out, so their clocks can be read.
    async with DepartmentInbox(bus, "medical_insurance") as inbox:
        await publish(bus, event)
        # Sent at once (the department starts work), naming the material that follows.
        headers, first = await inbox.attempt(event.application_id, 1)
        assert [p["material_code"] for p in first["pending_materials"]] == ["BANK_ACCT"]
        supplement_by = datetime.fromisoformat(first["pending_materials"][0]["supplement_by"])
        assert supplement_by == event.deficiencies[0].supplement_by
        assert first["materials"] == []

        tasks = await dispatch.tasks(event.application_id)
        insurance, guidance = tasks["I07"], tasks["I09"]
        assert insurance.status == "dispatched" and clock.is_paused(insurance)
        assert insurance.paused_intervals[0]["reason"] == "deficiency"
        # Another item of the application does not wait for a material it does not need.
        assert guidance.status == "dispatched" and not clock.is_paused(guidance)

        # The state of a task sent 30 days ago, paused from the start: overdue by the calendar.
        sent_at = utcnow() - timedelta(days=30)
        async with factory() as session:
            task = await session.scalar(select(Task).where(Task.id == insurance.id))
            assert task is not None
            task.clock_started_at = sent_at
            clock.set_deadlines(task, start=sent_at, calendar=calendar)
            task.paused_intervals = [{"from": sent_at.isoformat(), "to": None, "reason": "deficiency"}]
            old_promised = task.promised_deadline
            await session.commit()
        assert old_promised is not None and old_promised < utcnow()

        async def scan_at(now: datetime) -> int:
            async with factory() as session:
                raised = await scan(session, now=now, yellow_threshold=0.8)
                await session.commit()
                return raised

        async def warning_level() -> str:
            return (await dispatch.tasks(event.application_id))["I07"].warning_level

        # Paused: no warning, and not counted overdue against the department.
        assert await scan_at(utcnow()) == 0 and await warning_level() == "none"
        async with factory() as session:
            [rate] = await on_time_rates(session, department="medical_insurance", now=utcnow())
        assert rate.open_overdue == 0

        bank_account = _bank_account_file()
        await publish(bus, ApplicationSupplemented(application_id=event.application_id, materials=[bank_account]))
        # The department gets the same task again, next attempt, with the material's link.
        headers, second = await inbox.attempt(event.application_id, 2)
        assert second["task_id"] == first["task_id"] and headers["Nats-Msg-Id"] == f"task-{first['task_id']}-2"
        assert second["pending_materials"] == []
        [link] = second["materials"]
        assert link["material_code"] == "BANK_ACCT" and link["sha256"] == bank_account["sha256"]
        assert f"/v1/materials/{bank_account['id']}/content?" in link["url"]

    resumed = (await dispatch.tasks(event.application_id))["I07"]
    assert resumed.status == "dispatched" and resumed.attempt == 2 and not clock.is_paused(resumed)
    resumed_at = datetime.fromisoformat(resumed.paused_intervals[-1]["to"])
    lost = calendar.working_days_between(sent_at.astimezone(CHINA_TZ).date(), resumed_at.astimezone(CHINA_TZ).date())
    assert lost >= 10
    assert resumed.promised_deadline == calendar.deadline(old_promised, lost, "working_days").at
    assert datetime.fromisoformat(second["deadline"]) == resumed.promised_deadline
    # The clock runs again: overdue once the moved deadline has passed, not before.
    assert resumed.promised_deadline > utcnow()
    await scan_at(utcnow())
    assert await warning_level() == "none"
    await scan_at(resumed.promised_deadline + timedelta(seconds=1))
    assert await warning_level() == "red"


async def test_a_department_waits_for_the_pending_material_and_decides_on_the_follow_up(
    catalog: Catalog, dispatch: Dispatch, bus: Bus, recorder: Recorder, nats_url: str, bus_namespace: str
) -> None:
    bundle = await catalog.bundle()
    event = _bank_account_missing(bundle, ["I07"])
    async with simulator(nats_url, bus_namespace) as department:
        await publish(bus, event)

        async def held() -> bool:
            return department.state.simulator.stats()["held_for_materials"].get("medical_insurance") == 1

        await eventually(held)
        assert recorder.of("onevisit.application.completed", event.application_id) == []
        # Paused waiting for the applicant, the task is not the department's delay: it stays out.
        assert (await dispatch.tasks(event.application_id))["I07"].status == "dispatched"

        await publish(
            bus, ApplicationSupplemented(application_id=event.application_id, materials=[_bank_account_file()])
        )

        async def completed() -> list[dict]:
            return recorder.of("onevisit.application.completed", event.application_id)

        [done] = await eventually(completed)
    assert done["outcome"] == "completed"
    task = (await dispatch.tasks(event.application_id))["I07"]
    assert task.status == "approved" and task.attempt == 2 and not clock.is_paused(task)


async def test_a_supplement_with_no_deficiency_open_sends_nothing_again(
    catalog: Catalog, dispatch: Dispatch, bus: Bus
) -> None:
    bundle = await catalog.bundle()
    event = submitted(bundle, items=["I07"])
    async with DepartmentInbox(bus, "medical_insurance") as inbox:
        await publish(bus, event)
        await inbox.attempt(event.application_id, 1)
        bank_account = _bank_account_file()
        await publish(bus, ApplicationSupplemented(application_id=event.application_id, materials=[bank_account]))

        async def merged() -> bool:
            async with dispatch.app.state.runtime.session_factory() as session:
                application = await session.get(DispatchApplication, event.application_id)
                assert application is not None
                return bank_account in application.materials

        await eventually(merged)
        # Nothing was waiting for the material: the task is neither paused nor sent again.
        task = (await dispatch.tasks(event.application_id))["I07"]
        assert task.attempt == 1 and not clock.is_paused(task)
        assert [body["attempt"] for _, body in inbox.messages] == [1]


async def test_a_supplement_that_overtakes_its_submission_is_applied_after_it(
    catalog: Catalog, dispatch: Dispatch, bus: Bus
) -> None:
    bundle = await catalog.bundle()
    event = _bank_account_missing(bundle, ["I07"])
    async with DepartmentInbox(bus, "medical_insurance") as inbox:
        # Intake's outbox sends in order, but a submission dispatch must retry (catalog down) falls behind.
        supplement = ApplicationSupplemented(application_id=event.application_id, materials=[_bank_account_file()])
        await publish(bus, supplement)
        await publish(bus, event)
        _, second = await inbox.attempt(event.application_id, 2)
    assert second["pending_materials"] == [] and [m["material_code"] for m in second["materials"]] == ["BANK_ACCT"]
    assert not clock.is_paused((await dispatch.tasks(event.application_id))["I07"])


async def test_a_licence_standing_in_for_a_material_reaches_only_the_department_that_needs_it(
    catalog: Catalog, dispatch: Dispatch, bus: Bus, identity_header
) -> None:
    bundle = await catalog.bundle()
    event = submitted(bundle, items=["I01", "I03"])
    hukou_licence = {
        "number": "HK4401002026000123",
        "type_code": "11100000000013338W010",
        "type_name": "居民户口簿",
        "identifier": "1.2.156.3005.2.11100000000013338W010.HK4401002026000123",
        "issuer_name": "广州市公安局",
    }
    bank_licence = {"number": "BK-1", "type_code": "X", "type_name": "银行账户证明", "issuer_name": "某银行"}
    materials = [m for m in event.materials if m["material_code"] != "HUKOU"] + [
        {"material_code": "HUKOU", "source": "licence", "licence": hukou_licence},
        # Another item's material (I07, not chosen): never shown to public security.
        {"material_code": "BANK_ACCT", "source": "licence", "licence": bank_licence},
    ]
    event = event.model_copy(update={"materials": materials})
    async with DepartmentInbox(bus, "public_security") as police:
        await publish(bus, event)
        # I01 is decided by rule (秒批); I03 then goes to public security.
        _, task = await police.attempt(event.application_id, 1)
    [licence] = task["licence_materials"]
    assert licence == {
        "material_code": "HUKOU",
        **hukou_licence,
        "holder_sha256": hashlib.sha256(APPLICANT.encode()).hexdigest(),
    }
    assert "HUKOU" not in {m["material_code"] for m in task["materials"]}
    # The clerk's screen shows the same.
    clerk = identity_header(subject="clerk-1", role="department", department="public_security")
    read = await dispatch.client.get(f"/v1/dept/tasks/{task['task_id']}", headers=clerk)
    assert read.status_code == 200 and read.json()["licence_materials"] == [licence]
    assert read.json()["pending_materials"] == []


async def test_an_instant_item_with_a_pending_material_goes_to_its_department(
    catalog: Catalog, dispatch: Dispatch, bus: Bus
) -> None:
    """秒批 decides on complete inputs only: I08 (生育登记) is decided by rule, unless a material is pending."""
    bundle = await catalog.bundle()
    complete = submitted(bundle, items=["I08"])
    pending = submitted(bundle, items=["I08"]).model_copy(
        update={
            "deficiencies": [
                Deficiency(
                    material_code="MARRIAGE_CERT",
                    name="结婚证",
                    items=["I08"],
                    supplement_by=supplement_deadline(),
                )
            ]
        }
    )
    async with DepartmentInbox(bus, "health") as inbox:
        await publish(bus, complete)
        await publish(bus, pending)
        _, sent = await inbox.attempt(pending.application_id, 1)
    assert [p["material_code"] for p in sent["pending_materials"]] == ["MARRIAGE_CERT"]
    assert (await dispatch.tasks(pending.application_id))["I08"].status == "dispatched"

    async def decided_by_rule() -> bool:
        return (await dispatch.tasks(complete.application_id))["I08"].status == "approved"

    assert await eventually(decided_by_rule)
    assert [body["application_id"] for _, body in inbox.messages] == [str(pending.application_id)]
