"""One correction request per wave; only the concerned tasks run again; a rejection ends its dependents."""

from dept_simulator.settings import DepartmentProfile
from onevisit.bus import Bus
from onevisit.events import ApplicationSupplemented, ApplicationWithdrawn
from tests.dispatch_svc.conftest import Catalog, Dispatch, Recorder, publish, simulator, submitted
from tests.support.infra import eventually

ASK_CORRECTION = DepartmentProfile(approve_share=0, correct_share=1, delay_min_seconds=0, delay_max_seconds=0.01)
SLOW_CORRECTION = DepartmentProfile(approve_share=0, correct_share=1, delay_min_seconds=0.3, delay_max_seconds=0.3)


async def test_one_correction_request_lists_every_department_and_only_those_tasks_run_again(
    catalog: Catalog, dispatch: Dispatch, bus: Bus, recorder: Recorder, nats_url: str, bus_namespace: str
) -> None:
    bundle = await catalog.bundle()
    # I01 is decided by rule at once, so I03 (public security) and I09 (health) form the first wave;
    # I06 waits for I03.
    event = submitted(bundle, items=["I01", "I03", "I06", "I09"])
    profiles = {"public_security": ASK_CORRECTION, "health": SLOW_CORRECTION}
    async with simulator(nats_url, bus_namespace, departments=profiles):
        await publish(bus, event)

        async def correction_requested() -> list[dict]:
            return recorder.of("onevisit.application.correction_requested", event.application_id)

        [request] = await eventually(correction_requested)
        # Asked once, after the slow department answered too, listing both departments' corrections.
        assert {c["item_code"] for c in request["corrections"]} == {"I03", "I09"}
        assert all(c["message"] for c in request["corrections"])
        tasks = await dispatch.tasks(event.application_id)
        assert tasks["I06"].status == "pending"
        assert tasks["I03"].paused_intervals and tasks["I03"].paused_intervals[-1]["to"] is None

        await publish(
            bus,
            ApplicationSupplemented(application_id=event.application_id, form_data={"child": {"name": "张小明"}}),
        )

        async def completed() -> list[dict]:
            return recorder.of("onevisit.application.completed", event.application_id)

        [completion] = await eventually(completed)

    assert completion["outcome"] == "completed"
    assert len(recorder.of("onevisit.application.correction_requested", event.application_id)) == 1
    tasks = await dispatch.tasks(event.application_id)
    assert {code: t.attempt for code, t in tasks.items()} == {"I01": 1, "I03": 2, "I06": 1, "I09": 2}
    assert tasks["I03"].paused_intervals[-1]["to"] is not None
    dispatched = [d["item_code"] for d in recorder.of("onevisit.application.task_dispatched", event.application_id)]
    assert sorted(dispatched) == ["I01", "I03", "I03", "I06", "I09", "I09"]


async def test_a_rejection_ends_every_dependent_with_the_reason(
    catalog: Catalog, dispatch: Dispatch, bus: Bus, recorder: Recorder, nats_url: str, bus_namespace: str
) -> None:
    bundle = await catalog.bundle()
    event = submitted(bundle)
    reject = DepartmentProfile(approve_share=0, reject_share=1, delay_max_seconds=0.01)
    async with simulator(nats_url, bus_namespace, departments={"public_security": reject}):
        await publish(bus, event)

        async def completed() -> list[dict]:
            return recorder.of("onevisit.application.completed", event.application_id)

        [completion] = await eventually(completed)

    statuses = {r["item_code"]: r["status"] for r in completion["results"]}
    assert statuses["I03"] == "rejected"
    # I04 and I06 need I03; I05 needs I04: all ended, none ever sent to a department.
    assert {statuses[c] for c in ("I04", "I05", "I06")} == {"cancelled"}
    assert statuses["I01"] == "approved"
    assert completion["outcome"] == "partially_completed"
    reasons = {r["item_code"]: r["reason"] for r in completion["results"]}
    assert "前置事项" in reasons["I05"] and "不符合办理条件" in reasons["I04"]
    tasks = await dispatch.tasks(event.application_id)
    assert all(tasks[c].dispatched_at is None for c in ("I04", "I05", "I06"))


async def test_withdrawal_cancels_open_tasks_and_late_results_change_nothing(
    catalog: Catalog, dispatch: Dispatch, bus: Bus, recorder: Recorder
) -> None:
    bundle = await catalog.bundle()
    event = submitted(bundle, items=["I01", "I03"])
    await publish(bus, event)  # no department answers in this test

    async def i03_sent() -> bool:
        tasks = await dispatch.tasks(event.application_id)
        return bool(tasks) and tasks["I03"].status == "dispatched"

    await eventually(i03_sent)
    await publish(bus, ApplicationWithdrawn(application_id=event.application_id, reason="不再需要"))

    async def cancelled() -> bool:
        return (await dispatch.tasks(event.application_id))["I03"].status == "cancelled"

    await eventually(cancelled)
    tasks = await dispatch.tasks(event.application_id)
    assert tasks["I01"].status == "approved"  # decided by rule before the withdrawal: it stands
    assert recorder.of("onevisit.application.completed", event.application_id) == []
