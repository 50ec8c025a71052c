"""dispatch: submit → first-wave tasks delivered (p50, p99), completed applications per second,
and the parallelism with departments that take 1 s each.

Real nats-server (file storage), real catalog and dispatch apps with their lifespans (relay,
consumers) on SQLite files, the department simulator on NATS; all in this process's event loop,
so the figures include no HTTP hop (dispatch has none on this path). `python -m benchmarks.bench_dispatch`.

As the tests do, ONEVISIT_TEST_DATABASE_URL (PostgreSQL: a fresh schema per service and run,
dropped afterwards) and ONEVISIT_TEST_NATS_URL (a running nats-server) replace SQLite and the
nats-server started here.
"""

import asyncio
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from catalog_svc.main import create_app as create_catalog_app
from catalog_svc.seed.loader import seed_database
from catalog_svc.settings import Settings as CatalogSettings
from dept_simulator.app import create_app as create_simulator_app
from dept_simulator.settings import DepartmentProfile, SimulatorSettings
from dispatch_svc.main import create_app
from dispatch_svc.settings import Settings
from onevisit.bus import Bus
from onevisit.db import create_engine, create_session_factory
from onevisit.events import Applicant, ApplicationSubmitted
from onevisit.migrations import upgrade_database
from tests.support.infra import EXTERNAL_DATABASE_URL, EXTERNAL_NATS_URL, NatsServer, TestDatabase

# Six items of 新生儿出生一件事: I03, I07, I09 start at once; I04 and I06 wait for I03, I05 for I04.
ITEMS = ["I03", "I04", "I05", "I06", "I07", "I09"]
FIRST_WAVE = {"I03", "I07", "I09"}
CRITICAL_PATH = 3  # I03 → I04 → I05


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def event_for(bundle: dict[str, Any]) -> ApplicationSubmitted:
    form: dict[str, Any] = {}
    for item in bundle["items"]:
        for key in item["fields"]:
            section, _, name = key.partition(".")
            form.setdefault(section, {})[name] = "值"
    return ApplicationSubmitted(
        application_id=uuid.uuid4(),
        bundle_code=bundle["code"],
        catalog_version=bundle["version"],
        items=ITEMS,
        applicant=Applicant(subject="11010519491231002X"),
        form_data=form,
    )


async def run(workdir: Path, nats_url: str, delay: float, phase: str) -> None:
    namespace = f"bench{uuid.uuid4().hex[:8]}"
    catalog_db = TestDatabase(workdir, f"catalog_{namespace}")
    dispatch_db = TestDatabase(workdir, f"dispatch_{namespace}")
    try:
        await _measure(catalog_db, dispatch_db, namespace, nats_url, delay, phase)
    finally:
        await catalog_db.drop()
        await dispatch_db.drop()


async def _measure(
    catalog_db: TestDatabase, dispatch_db: TestDatabase, namespace: str, nats_url: str, delay: float, phase: str
) -> None:
    for package, database in (("catalog_svc", catalog_db), ("dispatch_svc", dispatch_db)):
        await asyncio.to_thread(upgrade_database, package, database.url, database.schema)
    engine = create_engine(catalog_db.url, schema=catalog_db.schema)
    await seed_database(create_session_factory(engine))
    await engine.dispose()
    common = {"nats_url": nats_url, "bus_namespace": namespace, "log_level": "WARNING", "log_json": False}
    catalog_app = create_catalog_app(
        CatalogSettings(database_url=catalog_db.url, database_schema=catalog_db.schema, **common)
    )
    dispatch_app = create_app(
        Settings(database_url=dispatch_db.url, database_schema=dispatch_db.schema, **common),
        catalog_transport=httpx.ASGITransport(app=catalog_app),
    )
    profile = DepartmentProfile(delay_distribution="fixed", delay_min_seconds=delay, delay_max_seconds=delay)
    simulator_app = create_simulator_app(SimulatorSettings(nats_url=nats_url, bus_namespace=namespace, default=profile))
    async with (
        catalog_app.router.lifespan_context(catalog_app),
        dispatch_app.router.lifespan_context(dispatch_app),
        simulator_app.router.lifespan_context(simulator_app),
    ):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=catalog_app), base_url="http://c") as client:
            bundle = (await client.get("/v1/bundles/B01")).json()
        bus = await Bus.connect(nats_url, namespace=namespace)
        first_wave: dict[str, set[str]] = {}
        wave_done: dict[str, float] = {}
        completed: dict[str, float] = {}

        async def on_task(msg: Any) -> None:
            body = json.loads(msg.data)
            seen = first_wave.setdefault(body["application_id"], set())
            if body["item_code"] in FIRST_WAVE:
                seen.add(body["item_code"])
                if seen == FIRST_WAVE:
                    wave_done.setdefault(body["application_id"], time.perf_counter())

        async def on_completed(msg: Any) -> None:
            completed[json.loads(msg.data)["application_id"]] = time.perf_counter()

        await bus.nc.subscribe(bus.subject("onevisit.dept.*.task"), cb=on_task)
        await bus.nc.subscribe(bus.subject("onevisit.application.completed"), cb=on_completed)

        async def submit_and_wait(key: dict[str, float]) -> tuple[str, float]:
            event = event_for(bundle)
            started = time.perf_counter()
            await bus.publish_event(event)
            while str(event.application_id) not in key:  # noqa: ASYNC110 - callbacks fill the dicts
                await asyncio.sleep(0.001)
            return str(event.application_id), started

        async def wait_for(ids: list[str], limit_seconds: float = 600) -> None:
            deadline = time.perf_counter() + limit_seconds
            while not all(i in completed for i in ids) and time.perf_counter() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.01)

        if phase == "latency":
            await submit_and_wait(wave_done)  # warm the catalog cache and the connections
            latencies = []
            for _ in range(100):
                application_id, started = await submit_and_wait(wave_done)
                latencies.append((wave_done[application_id] - started) * 1000)
            print(
                f"submit → 3 first-wave tasks delivered, 6-item bundle, one at a time (n=100): "
                f"p50 {percentile(latencies, 0.5):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms",
                flush=True,
            )
            events = [event_for(bundle) for _ in range(200)]
            started = time.perf_counter()
            await asyncio.gather(*(bus.publish_event(e) for e in events))
            ids = [str(e.application_id) for e in events]
            await wait_for(ids)
            done = sum(1 for i in ids if i in completed)
            elapsed = max(completed[i] for i in ids if i in completed) - started
            print(
                f"throughput, 200 applications submitted at once, departments answering at once: "
                f"{done} completed in {elapsed:.1f} s = {done / elapsed:.1f} applications/s",
                flush=True,
            )
        else:
            durations = []
            for _ in range(5):
                application_id, started = await submit_and_wait(completed)
                durations.append(completed[application_id] - started)
            median = statistics.median(durations)
            print(
                f"departments taking {delay:.0f} s each: completion p50 {median:.3f} s for a critical path of "
                f"{CRITICAL_PATH} items; ratio to the path ({CRITICAL_PATH * delay:.0f} s) "
                f"{median / (CRITICAL_PATH * delay):.3f}",
                flush=True,
            )
    # Once the apps have stopped: deleting the streams under running consumers only makes them complain.
    await bus.delete_streams()
    await bus.close()


async def main() -> None:
    database = "PostgreSQL" if EXTERNAL_DATABASE_URL else "SQLite files"
    print(f"dispatch on {database}, NATS {EXTERNAL_NATS_URL or 'started here (file storage)'}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = None if EXTERNAL_NATS_URL else NatsServer(Path(tmp) / "nats").start()
        nats_url = EXTERNAL_NATS_URL or server.url  # type: ignore[union-attr]
        try:
            await run(Path(tmp), nats_url, 0.0, "latency")
            await run(Path(tmp), nats_url, 1.0, "parallelism")
        finally:
            if server is not None:
                server.stop()


if __name__ == "__main__":
    asyncio.run(main())
