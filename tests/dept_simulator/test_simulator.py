"""The simulator as a department: answers over real NATS, de-duplicates redeliveries, checks webhook
signatures (onevisit.signing's check, with the age limit)."""

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta

from nats.js.api import StreamInfo

from dept_simulator.app import create_app
from dept_simulator.behaviour import Behaviour
from dept_simulator.core import Simulator
from dept_simulator.settings import DepartmentProfile, SimulatorSettings
from onevisit.bus import Bus
from onevisit.contracts import DepartmentResult, DepartmentTask, PendingMaterial, task_subject
from onevisit.signing import webhook_headers
from tests.support.infra import eventually


def _task(department: str = "tax", attempt: int = 1) -> DepartmentTask:
    return DepartmentTask(
        task_id=uuid.uuid4(),
        application_id=uuid.uuid4(),
        item_code="I05",
        department_code=department,
        form_data={"child.name": "张小明"},
        attempt=attempt,
    )


async def test_a_redelivered_task_yields_one_result(bus: Bus, nats_url: str, bus_namespace: str) -> None:
    settings = SimulatorSettings(nats_url=nats_url, bus_namespace=bus_namespace, seed=1)
    app = create_app(settings)
    task = _task()
    async with app.router.lifespan_context(app):
        # The same task twice under different message ids, as after a dispatch crash before the outbox mark.
        for msg_id in ("first", "second"):
            await bus.publish_json(task_subject("tax"), task.model_dump(mode="json"), msg_id=msg_id)

        async def both_seen() -> bool:
            return app.state.simulator.seen.deliveries[f"{task.task_id}-1"] == 2

        await eventually(both_seen)

        async def results() -> int:
            info: StreamInfo = await bus.js.stream_info(bus.stream("RESULTS"))
            return info.state.messages

        await eventually(results)
        assert app.state.simulator.stats()["redeliveries"] == 1

    info = await bus.js.stream_info(bus.stream("RESULTS"))
    assert info.state.messages == 1  # the second answer carried the same Nats-Msg-Id and was dropped
    message = await bus.js.get_last_msg(bus.stream("RESULTS"), bus.subject("onevisit.dept.tax.result"))
    result = DepartmentResult.model_validate_json(message.data)
    assert result.task_id == task.task_id and result.decision == "approved"
    assert result.outputs["certificate_number"].startswith("TAX")
    assert message.headers and message.headers["Nats-Msg-Id"] == f"result-{task.task_id}-1"


async def test_a_task_waiting_for_a_material_is_decided_only_when_the_material_comes(
    bus: Bus, nats_url: str, bus_namespace: str
) -> None:
    settings = SimulatorSettings(nats_url=nats_url, bus_namespace=bus_namespace, seed=1)
    app = create_app(settings)
    waiting = _task().model_copy(
        update={
            "pending_materials": [
                PendingMaterial(material_code="BANK_ACCT", supplement_by=datetime.now(UTC) + timedelta(days=5))
            ]
        }
    )
    complete = waiting.model_copy(update={"attempt": 2, "pending_materials": []})
    async with app.router.lifespan_context(app):
        await bus.publish_json(task_subject("tax"), waiting.model_dump(mode="json"), msg_id="task-waiting-1")

        async def held() -> bool:
            return app.state.simulator.stats()["held_for_materials"] == {"tax": 1}

        await eventually(held)
        info: StreamInfo = await bus.js.stream_info(bus.stream("RESULTS"))
        assert info.state.messages == 0  # taken on, not decided

        await bus.publish_json(task_subject("tax"), complete.model_dump(mode="json"), msg_id="task-waiting-2")

        async def results() -> int:
            info: StreamInfo = await bus.js.stream_info(bus.stream("RESULTS"))
            return info.state.messages

        await eventually(results)
    message = await bus.js.get_last_msg(bus.stream("RESULTS"), bus.subject("onevisit.dept.tax.result"))
    assert message.headers and message.headers["Nats-Msg-Id"] == f"result-{waiting.task_id}-2"


async def test_a_task_whose_material_lapsed_is_refused_with_the_reason(
    bus: Bus, nats_url: str, bus_namespace: str
) -> None:
    settings = SimulatorSettings(nats_url=nats_url, bus_namespace=bus_namespace, seed=1)
    app = create_app(settings)
    soon = datetime.now(UTC) + timedelta(seconds=1)
    waiting = _task().model_copy(
        update={"pending_materials": [PendingMaterial(material_code="BANK_ACCT", name="银行账户", supplement_by=soon)]}
    )
    supplied_in_time = _task().model_copy(
        update={"pending_materials": [PendingMaterial(material_code="BANK_ACCT", supplement_by=soon)]}
    )
    async with app.router.lifespan_context(app):
        await bus.publish_json(task_subject("tax"), waiting.model_dump(mode="json"), msg_id="lapse-1")
        await bus.publish_json(task_subject("tax"), supplied_in_time.model_dump(mode="json"), msg_id="in-time-1")
        follow_up = supplied_in_time.model_copy(update={"attempt": 2, "pending_materials": []})
        await bus.publish_json(task_subject("tax"), follow_up.model_dump(mode="json"), msg_id="in-time-2")

        async def refused() -> bool:
            return app.state.simulator.stats()["refused_for_lapse"] == {"tax": 1}

        await eventually(refused)
        await asyncio.sleep(0.5)  # the in-time task's held attempt is past its deadline too by now
        assert app.state.simulator.stats()["refused_for_lapse"] == {"tax": 1}
    results = await _results(bus)
    by_task = {r.task_id: (r, headers) for r, headers in results}
    refusal, headers = by_task[waiting.task_id]
    assert refusal.decision == "rejected" and refusal.reason == "容缺材料逾期未补正：银行账户"
    assert headers["Nats-Msg-Id"] == f"result-{waiting.task_id}-1"
    _, headers = by_task[supplied_in_time.task_id]
    assert headers["Nats-Msg-Id"] == f"result-{supplied_in_time.task_id}-2"  # decided on the material, not refused


async def _results(bus: Bus) -> list[tuple[DepartmentResult, dict[str, str]]]:
    info: StreamInfo = await bus.js.stream_info(bus.stream("RESULTS"))
    found = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        message = await bus.js.get_msg(bus.stream("RESULTS"), seq)
        found.append((DepartmentResult.model_validate_json(message.data), dict(message.headers or {})))
    return found


async def test_a_webhook_department_takes_only_fresh_tasks_signed_with_its_secret() -> None:
    secret = "s" * 20
    # Deciding takes a minute: the test ends (cancelling the answer) before any result is posted.
    slow = DepartmentProfile(delay_distribution="fixed", delay_min_seconds=60, delay_max_seconds=60)
    simulator = Simulator(SimulatorSettings(webhook_secret=secret, default=slow, seed=1))
    task = _task()
    body = task.model_dump_json().encode()
    signed = webhook_headers(secret, body)
    stale = webhook_headers(secret, body, timestamp=int(time.time()) - 3600)
    try:
        assert simulator.accept_webhook("tax", body, _lowercase(webhook_headers("t" * 20, body))) == 401
        assert simulator.accept_webhook("tax", body + b" ", _lowercase(signed)) == 401
        assert simulator.accept_webhook("tax", body, _lowercase(stale)) == 401
        assert simulator.seen.deliveries == {}  # nothing refused was taken on
        assert simulator.accept_webhook("tax", body, _lowercase(signed)) == 202
        assert simulator.accept_webhook("tax", body, _lowercase(signed)) == 202  # a retry: acknowledged again
        assert simulator.seen.deliveries == {f"{task.task_id}-1": 2}
    finally:
        await simulator.close()


def _lowercase(headers: dict[str, str]) -> dict[str, str]:
    """As the ASGI app hands them over."""
    return {name.lower(): value for name, value in headers.items()}


def test_outcome_shares_and_a_corrected_task_is_not_sent_back_twice() -> None:
    behaviour = Behaviour(seed=3)
    correct = DepartmentProfile(approve_share=0, correct_share=1)
    first = behaviour.decide(_task(), correct)
    assert first.decision == "needs_correction" and first.corrections
    assert behaviour.decide(_task(attempt=2), correct).decision == "approved"
    reject = DepartmentProfile(approve_share=0, reject_share=1)
    assert behaviour.decide(_task(), reject).decision == "rejected"
    fixed = DepartmentProfile(delay_distribution="fixed", delay_min_seconds=1.0, delay_max_seconds=1.0)
    assert behaviour.delay(fixed) == 1.0


def test_departments_are_configured_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("SIMULATOR_DEPARTMENTS", '{"tax": {"mode": "webhook", "reject_share": 0.5}}')
    settings = SimulatorSettings()
    assert settings.profile("tax").mode == "webhook" and settings.profile("tax").reject_share == 0.5
    assert settings.profile("health").mode == "nats"
