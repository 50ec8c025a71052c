"""A webhook department that is down for a while (first nothing listens, then its system answers
503) gets every task once it is back, acknowledged once each, and was not hammered meanwhile:
dispatch retried with exponential backoff and jitter. The department is a real process on a real
port (tests/dispatch_svc/webhook_department.py), stopped and started by the test; dispatch posts to
it over TCP with its own HTTP client."""

import asyncio
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from dispatch_svc.departments.webhooks import backoff_seconds
from dispatch_svc.main import create_app
from dispatch_svc.settings import Settings
from onevisit.bus import Bus
from tests.dispatch_svc.conftest import Catalog, Recorder, publish, submitted
from tests.support.infra import eventually, free_port, running_app, wait_for_port

POLICE = "public_security"
SECRET = "outage-test-webhook-secret"
APPLICATIONS = 8
REPOSITORY = Path(__file__).resolve().parents[2]


class DepartmentProcess:
    """The department's webhook endpoint as a uvicorn process that can be stopped and started again."""

    def __init__(self, port: int, log: Path):
        self.port = port
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self, *, status: int) -> None:
        await asyncio.to_thread(self._start, status)

    def _start(self, status: int) -> None:
        env = {**os.environ, "DEPARTMENT_STATUS": str(status), "DEPARTMENT_SECRET": SECRET}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "tests.dispatch_svc.webhook_department:app", *self._where()],
            cwd=REPOSITORY,
            env={**env, "DEPARTMENT_LOG": str(self.log)},
        )
        wait_for_port(self.port, 30)

    def _where(self) -> list[str]:
        return ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]

    def stop(self) -> None:
        """Gone at once, as when the department's server fails: no graceful shutdown."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def attempts(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]


def most_attempts_within(seconds: float, settings: Settings) -> int:
    """The most attempts the backoff allows in `seconds`: after the kth failure dispatch waits at
    least half of min(max, base * 2^k), whatever the jitter draws."""
    attempts, elapsed = 1, 0.0
    while True:
        shortest_wait = backoff_ceiling(attempts, settings) / 2
        if elapsed + shortest_wait > seconds:
            return attempts
        elapsed += shortest_wait
        attempts += 1


def backoff_ceiling(attempts: int, settings: Settings) -> float:
    return min(settings.webhook_backoff_max_seconds, settings.webhook_backoff_base_seconds * 2**attempts)


def test_backoff_doubles_up_to_its_cap_with_jitter() -> None:
    settings = Settings(webhook_backoff_base_seconds=1.0, webhook_backoff_max_seconds=300.0)
    for attempts in range(1, 13):
        ceiling = backoff_ceiling(attempts, settings)
        waits = [backoff_seconds(attempts, settings=settings) for _ in range(50)]
        assert all(ceiling / 2 <= wait <= ceiling for wait in waits)
        assert len(set(waits)) > 1  # jittered: retries of many tasks do not arrive in step
    assert backoff_ceiling(12, settings) == 300.0


async def test_a_webhook_department_down_for_a_while_gets_every_task_when_back(
    catalog: Catalog,
    dispatch_settings: Settings,
    bus: Bus,
    recorder: Recorder,
    tmp_path: Path,
    identity_header,
) -> None:
    settings = dispatch_settings.model_copy(
        update={"webhook_backoff_base_seconds": 0.25, "webhook_backoff_max_seconds": 2.0, "webhook_poll_seconds": 0.1}
    )
    department = DepartmentProcess(free_port(), tmp_path / "attempts.jsonl")
    app = create_app(settings, catalog_transport=httpx.ASGITransport(app=catalog.app))
    bundle = await catalog.bundle()
    # I01 is decided by rule; I03 goes to the police, which connects by webhook only.
    events = [submitted(bundle, items=["I01", "I03"]) for _ in range(APPLICATIONS)]
    police = identity_header(subject="police-system", role="department", department=POLICE)
    ops = identity_header(subject="ops", role="ops")
    try:
        async with running_app(app) as client:
            webhook = {"url": f"http://127.0.0.1:{department.port}/onevisit/tasks", "secret": SECRET}
            assert (await client.put("/v1/dept/webhook", json=webhook, headers=police)).status_code == 200

            async def deliveries() -> list[dict[str, Any]]:
                response = await client.get("/v1/dept/webhook/deliveries", params={"limit": 200}, headers=ops)
                return response.json()["items"]

            async def all_refused_twice() -> bool:
                found = await deliveries()
                return len(found) == APPLICATIONS and all(d["attempts"] >= 2 for d in found)

            async def all_seen_failing() -> bool:
                failing = {a["task_id"] for a in department.attempts() if a["status"] == 503}
                return len(failing) == APPLICATIONS

            async def all_delivered() -> list[dict[str, Any]]:
                found = await deliveries()
                return found if all(d["status"] == "delivered" for d in found) else []

            outage_began = time.monotonic()
            for event in events:
                await publish(bus, event)
            # Down: nothing listens on the port, every POST is refused; dispatch keeps retrying.
            await eventually(all_refused_twice)
            await asyncio.sleep(1)
            # Up but failing: the department's system answers 503 to every task for a while.
            await department.start(status=503)
            await eventually(all_seen_failing)
            await asyncio.sleep(1)
            department.stop()
            # Back: it stores every task and answers 202.
            await department.start(status=202)
            outage_lasted = time.monotonic() - outage_began
            delivered = await eventually(all_delivered, timeout=30)

            # The department answers each task it got, over HTTP; every application completes.
            acknowledged = [a for a in department.attempts() if a["status"] == 202]
            for task_id in {a["task_id"] for a in acknowledged}:
                result = {"decision": "approved", "outputs": {"child_id_number": "110105202612010012"}}
                answered = await client.post(f"/v1/dept/tasks/{task_id}/result", json=result, headers=police)
                assert answered.json()["applied"] is True

            async def all_completed() -> bool:
                completed = recorder.of("onevisit.application.completed")
                return {c["application_id"] for c in completed} >= {str(e.application_id) for e in events}

            await eventually(all_completed)
    finally:
        department.stop()

    # Nothing lost, nothing doubled: each task stored once, under its de-duplication id.
    assert len(delivered) == APPLICATIONS
    assert Counter(a["task_id"] for a in acknowledged) == Counter({d["task_id"]: 1 for d in delivered})
    assert all(a["message_id"] == f"task-{a['task_id']}-1" for a in acknowledged)
    # No tight loop: a poll every 0.1 s would have made some ten attempts a second per task; the
    # backoff allows only a handful over the whole outage (plus the one that got through).
    allowed = most_attempts_within(outage_lasted, settings) + 1
    assert allowed < outage_lasted / settings.webhook_poll_seconds / 3
    attempts = {d["task_id"]: d["attempts"] for d in delivered}
    assert all(2 < n <= allowed for n in attempts.values()), (attempts, allowed, outage_lasted)
    failing_seen = Counter(a["task_id"] for a in department.attempts() if a["status"] == 503)
    assert all(1 <= n <= allowed for n in failing_seen.values()), failing_seen
