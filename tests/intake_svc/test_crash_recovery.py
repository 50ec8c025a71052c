"""Reliability with real processes: intake (uvicorn) commits a submission while NATS is down,
is killed with SIGKILL before the relay could publish, and after NATS and intake restart the
`application.submitted` event goes out exactly once. The second window too: published but not
marked sent (the row is reset while intake is dead) is de-duplicated by JetStream."""

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from onevisit.bus import Bus
from onevisit.db import create_engine, create_session_factory
from onevisit.outbox import OutboxMessage
from tests.intake_svc.conftest import CITIZEN, PDF
from tests.intake_svc.test_submit import COMPLETE_B01
from tests.support import infra
from tests.support.infra import NatsServer, eventually, free_port, migrate, unique_namespace


class Process:
    def __init__(self, args: list[str], env: dict[str, str], log: Path):
        self.args, self.env, self.log = args, env, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "Process":
        handle = self.log.open("ab")
        self.process = subprocess.Popen(self.args, env={**os.environ, **self.env}, stdout=handle, stderr=handle)
        return self

    def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill9()


def uvicorn(factory: str, port: int, env: dict[str, str], log: Path) -> Process:
    args = [sys.executable, "-m", "uvicorn", factory, "--factory", "--host", "127.0.0.1", "--port", str(port)]
    return Process(args, env, log)


async def healthy(url: str) -> None:
    async def check() -> bool:
        try:
            async with httpx.AsyncClient() as client:
                return (await client.get(f"{url}/healthz")).status_code == 200
        except httpx.HTTPError:
            return False

    await eventually(check, timeout=30, interval=0.1)


@pytest.fixture
def processes() -> Iterator[list[Process]]:
    started: list[Process] = []
    yield started
    for process in reversed(started):
        process.stop()


async def test_event_committed_before_a_crash_goes_out_once_after_restart(
    tmp_path: Path, catalog_database: infra.TestDatabase, make_database, identity_header, processes: list[Process]
) -> None:
    nats = NatsServer(tmp_path / "nats").start()
    namespace = unique_namespace()
    try:
        intake_db = make_database("intake")
        await migrate("intake_svc", intake_db)
        catalog_port, intake_port = free_port(), free_port()
        common = {"NATS_URL": nats.url, "BUS_NAMESPACE": namespace, "ENVIRONMENT": "test", "LOG_JSON": "false"}
        catalog_env = {f"CATALOG_{k}": v for k, v in common.items()} | {
            "CATALOG_DATABASE_URL": catalog_database.url,
            "CATALOG_DATABASE_SCHEMA": catalog_database.schema or "",
        }
        intake_env = {f"INTAKE_{k}": v for k, v in common.items()} | {
            "INTAKE_DATABASE_URL": intake_db.url,
            "INTAKE_DATABASE_SCHEMA": intake_db.schema or "",
            "INTAKE_CATALOG_URL": f"http://127.0.0.1:{catalog_port}",
            "INTAKE_STORAGE_DIR": str(tmp_path / "materials"),
            "INTAKE_VAR_DIR": str(tmp_path),
            # No notify-svc in this test: nothing listens there (another one may run on the default port).
            "INTAKE_NOTIFY_URL": "http://127.0.0.1:9",
        }
        processes.append(
            uvicorn("catalog_svc.main:create_app", catalog_port, catalog_env, tmp_path / "catalog.log").start()
        )
        intake = uvicorn("intake_svc.main:create_app", intake_port, intake_env, tmp_path / "intake.log").start()
        processes.append(intake)
        base = f"http://127.0.0.1:{intake_port}"
        await healthy(f"http://127.0.0.1:{catalog_port}")
        await healthy(base)

        headers = identity_header(subject=CITIZEN, name="张三", phone="13800138000")
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
            draft = (await client.post("/v1/applications", json={"bundle_code": "B01"})).json()
            await client.patch(f"/v1/applications/{draft['id']}", json={"form_data": COMPLETE_B01})
            await client.post(
                f"/v1/applications/{draft['id']}/materials",
                data={"material_code": "BIRTH_CERT_FORM"},
                files={"file": ("form.pdf", PDF)},
            )
            nats.stop()  # the relay cannot publish from here on
            response = await client.post(f"/v1/applications/{draft['id']}/submit", headers={"Idempotency-Key": "k1"})
            assert response.status_code == 202, response.text
        intake.kill9()  # committed, never published

        engine = create_engine(intake_db.url, schema=intake_db.schema)
        sessions = create_session_factory(engine)
        [row] = await _outbox(sessions)
        assert row.subject == "onevisit.application.submitted" and row.sent_at is None

        nats.start()
        intake.start()
        bus = await Bus.connect(nats.url, namespace=namespace)
        try:
            await eventually(lambda: _sent(sessions), timeout=30)
            assert await _stream_count(bus) == 1

            # The other window: published, then killed before the row was marked sent.
            intake.kill9()
            async with sessions() as session:
                await session.execute(update(OutboxMessage).values(sent_at=None))
                await session.commit()
            intake.start()
            await eventually(lambda: _sent(sessions), timeout=30)
            assert await _stream_count(bus) == 1  # JetStream dropped the duplicate (Nats-Msg-Id = event id)
            message = await bus.js.get_last_msg(bus.stream("APPLICATIONS"), bus.subject("onevisit.application.>"))
            assert uuid.UUID(message.headers["Nats-Msg-Id"]) == row.id
        finally:
            await bus.delete_streams()
            await bus.close()
            await engine.dispose()
    finally:
        for process in reversed(processes):
            process.stop()
        nats.stop()


async def _outbox(sessions) -> list[OutboxMessage]:
    async with sessions() as session:
        return list((await session.scalars(select(OutboxMessage))).all())


async def _sent(sessions) -> bool:
    rows = await _outbox(sessions)
    return bool(rows) and all(r.sent_at is not None for r in rows)


async def _stream_count(bus: Bus) -> int:
    info = await bus.js.stream_info(bus.stream("APPLICATIONS"))
    return info.state.messages
