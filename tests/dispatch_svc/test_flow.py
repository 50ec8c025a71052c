"""Submitted event in → tasks to departments (the simulator, over real NATS) → one completion out."""

from datetime import datetime

from onevisit.bus import Bus
from tests.dispatch_svc.conftest import Catalog, Dispatch, Recorder, publish, simulator, submitted
from tests.support.infra import eventually


async def test_every_item_runs_and_dependents_wait_for_their_upstream_result(
    catalog: Catalog, dispatch: Dispatch, bus: Bus, recorder: Recorder, nats_url: str, bus_namespace: str
) -> None:
    bundle = await catalog.bundle()
    event = submitted(bundle)
    async with simulator(nats_url, bus_namespace):
        await publish(bus, event)

        async def completed() -> list[dict]:
            return recorder.of("onevisit.application.completed", event.application_id)

        [completion] = await eventually(completed)

    assert completion["outcome"] == "completed"
    results = {r["item_code"]: r for r in completion["results"]}
    assert set(results) == set(event.items)
    assert all(r["status"] == "approved" for r in results.values())
    assert all(r["licence"] or r["outputs"] for r in results.values())

    tasks = await dispatch.tasks(event.application_id)
    for task in tasks.values():
        for upstream_code in task.depends_on:
            upstream = tasks[upstream_code]
            # Sent only after the upstream decision, and with that decision's outputs.
            assert task.dispatched_at is not None and upstream.decided_at is not None
            assert task.dispatched_at >= upstream.decided_at
            assert task.upstream_results[upstream_code] == upstream.outputs
    assert tasks["I03"].depends_on == ["I01"]
    assert "medical_cert_no" in tasks["I03"].upstream_results["I01"]
    # 秒批 items never went to a department.
    assert tasks["I01"].decided_by == "automatic"
    dispatched = recorder.of("onevisit.application.task_dispatched", event.application_id)
    assert {d["item_code"] for d in dispatched} == set(event.items)
    decided = recorder.of("onevisit.application.task_decided", event.application_id)
    assert len(decided) == len(event.items)
    assert isinstance(datetime.fromisoformat(completion["occurred_at"]), datetime)
