"""HTTP departments: signed webhook POSTs retried with backoff, dead after the last attempt, replayable;
results come back over HTTP. The department is the simulator's webhook side, in-process."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from dept_simulator.settings import DepartmentProfile
from dispatch_svc.main import create_app
from dispatch_svc.settings import Settings
from onevisit.bus import Bus
from tests.dispatch_svc.conftest import Catalog, Recorder, publish, simulator, submitted
from tests.support.infra import eventually, running_app

POLICE = "public_security"


@asynccontextmanager
async def dispatch_with_webhook_departments(
    catalog: Catalog, settings: Settings, nats_url: str, bus_namespace: str, profiles: dict[str, DepartmentProfile]
) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    # Each app reaches the other in-process: the transport to the simulator is filled in once it exists.
    to_simulator = httpx.ASGITransport(app=None)  # type: ignore[arg-type]
    app = create_app(settings, catalog_transport=httpx.ASGITransport(app=catalog.app), webhook_transport=to_simulator)
    async with running_app(app) as client:
        async with simulator(nats_url, bus_namespace, departments=profiles, dispatch_app=app) as sim_app:
            to_simulator.app = sim_app
            yield client, sim_app


async def _registered(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    async def registered() -> bool:
        return (await client.get("/v1/dept/webhook", headers=headers)).status_code == 200

    await eventually(registered)


async def test_webhook_departments_get_signed_tasks_through_failures_and_answer_over_http(
    catalog: Catalog,
    dispatch_settings: Settings,
    bus: Bus,
    recorder: Recorder,
    nats_url: str,
    bus_namespace: str,
    identity_header,
) -> None:
    flaky = DepartmentProfile(mode="webhook", http_failure_rate=0.5, delay_max_seconds=0.01)
    profiles = {code: flaky for code in (POLICE, "medical_insurance", "tax", "hrss")}
    bundle = await catalog.bundle()
    event = submitted(bundle)
    async with dispatch_with_webhook_departments(catalog, dispatch_settings, nats_url, bus_namespace, profiles) as (
        client,
        sim_app,
    ):
        # Every department's webhook before the submission: a task published while its department
        # is still on NATS is a NATS task (departments register once, when they connect).
        for code in profiles:
            await _registered(client, identity_header(subject="sim", role="department", department=code))
        await publish(bus, event)

        async def completed() -> list[dict]:
            return recorder.of("onevisit.application.completed", event.application_id)

        [completion] = await eventually(completed)
        ops = identity_header(subject="ops", role="ops")
        deliveries = (await client.get("/v1/dept/webhook/deliveries", headers=ops)).json()["items"]

    assert completion["outcome"] == "completed"
    assert {d["department_code"] for d in deliveries} == set(profiles)
    assert all(d["status"] == "delivered" for d in deliveries)
    assert len(deliveries) == 5  # I03, I04, I05, I06, I07: one delivery each, however many attempts
    # Answered over HTTP, by the webhook side (the NATS side leaves webhook departments' tasks alone).
    assert sum(sim_app.state.simulator.answered.values()) >= 5


async def test_a_delivery_that_never_gets_through_is_dead_until_replayed(
    catalog: Catalog,
    dispatch_settings: Settings,
    bus: Bus,
    recorder: Recorder,
    nats_url: str,
    bus_namespace: str,
    identity_header,
) -> None:
    down = DepartmentProfile(mode="webhook", http_failure_rate=1.0, delay_max_seconds=0.01)
    settings = dispatch_settings.model_copy(update={"webhook_max_attempts": 3})
    bundle = await catalog.bundle()
    event = submitted(bundle, items=["I01", "I03"])
    async with dispatch_with_webhook_departments(catalog, settings, nats_url, bus_namespace, {POLICE: down}) as (
        client,
        sim_app,
    ):
        police = identity_header(subject="sim", role="department", department=POLICE)
        await _registered(client, police)
        await publish(bus, event)

        async def dead() -> list[dict]:
            params = {"status": "dead"}
            return (await client.get("/v1/dept/webhook/deliveries", params=params, headers=police)).json()["items"]

        [letter] = await eventually(dead)
        assert letter["attempts"] == 3 and letter["last_error"] == "HTTP 503"

        sim_app.state.simulator.settings.departments[POLICE].http_failure_rate = 0.0  # the department is back
        replayed = await client.post(f"/v1/dept/webhook/deliveries/{letter['id']}/replay", headers=police)
        assert replayed.status_code == 200 and replayed.json()["status"] == "pending"
        again = await client.post(f"/v1/dept/webhook/deliveries/{letter['id']}/replay", headers=police)
        assert again.status_code == 409

        async def completed() -> list[dict]:
            return recorder.of("onevisit.application.completed", event.application_id)

        [completion] = await eventually(completed)
    assert completion["outcome"] == "completed"
