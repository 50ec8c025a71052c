"""Notifications per second through notify's whole path: events published on JetStream →
consumer (delivery, licences, rows in one transaction) → sender → provider (logging) → delivered.

Starts a nats-server and notify (uvicorn) as real processes on an embedded SQLite database, or on
PostgreSQL when ONEVISIT_TEST_DATABASE_URL is set. `python -m benchmarks.bench_notify [applications]`.
"""

import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import func, select, text

from notify_svc.notifications.models import Notification
from onevisit.bus import Bus
from onevisit.db import create_engine, create_session_factory
from onevisit.events import Applicant, ApplicationCompleted, ApplicationSubmitted, TaskResultSummary
from tests.notify_svc.process import NotifyProcess
from tests.support.infra import NatsServer, TestDatabase, migrate, unique_namespace

STEPS_PER_APPLICATION = 3  # submitted, completed, ready_for_pickup
CHANNELS = 2  # inbox and SMS


def events_for(index: int) -> list:
    app_id = uuid.uuid4()
    who = Applicant(subject=f"B{index:07d}", name="张三", phone=f"137{index:08d}")
    return [
        ApplicationSubmitted(application_id=app_id, bundle_code="B01", catalog_version=1, items=["I01"], applicant=who),
        ApplicationCompleted(
            application_id=app_id,
            bundle_code="B01",
            outcome="completed",
            applicant=who,
            results=[
                TaskResultSummary(
                    task_id=uuid.uuid4(),
                    item_code="I01",
                    department_code="WJW",
                    status="approved",
                    licence={"type_name": "出生医学证明"},
                )
            ],
        ),
    ]


async def run(applications: int, workdir: Path) -> None:
    external_nats = os.environ.get("ONEVISIT_TEST_NATS_URL")
    nats = None if external_nats else NatsServer(workdir / "nats").start()
    nats_url = external_nats or nats.url  # type: ignore[union-attr]
    namespace = unique_namespace()
    database = TestDatabase(workdir, "notify_bench")
    await migrate("notify_svc", database)
    engine = create_engine(database.url, schema=database.schema)
    sessions = create_session_factory(engine)
    notify = NotifyProcess(
        database_url=database.url, schema=database.schema, nats_url=nats_url, namespace=namespace, workdir=workdir
    )
    bus = await Bus.connect(nats_url, namespace=namespace)
    try:
        notify.start()
        await bus.ensure_streams()
        events = [e for i in range(applications) for e in events_for(i)]
        expected = applications * STEPS_PER_APPLICATION * CHANNELS
        started = time.perf_counter()
        for first in range(0, len(events), 500):
            await asyncio.gather(*(bus.publish_event(e) for e in events[first : first + 500]))
        published = time.perf_counter() - started
        created_at = delivered_at = None
        while True:
            async with sessions() as session:
                total = await session.scalar(select(func.count()).select_from(Notification))
                delivered = await session.scalar(
                    select(func.count()).select_from(Notification).where(Notification.status == "delivered")
                )
            now = time.perf_counter() - started
            if created_at is None and total == expected:
                created_at = now
            if delivered == expected:
                delivered_at = now
                break
            if now > 600:
                raise SystemExit(f"not done after 600 s: {delivered}/{expected} delivered")
            await asyncio.sleep(0.05)
        backend = "postgresql" if database.schema else "sqlite"
        print(f"backend: {backend}; applications: {applications}; events: {len(events)}; notifications: {expected}")
        print(f"publish {len(events)} events: {published:.2f} s ({len(events) / published:.0f} events/s)")
        print(
            f"all notifications created (consumer): {created_at:.2f} s "
            f"({len(events) / created_at:.0f} events/s, {expected / created_at:.0f} notifications/s)"
        )
        print(
            f"all notifications delivered (whole path): {delivered_at:.2f} s "
            f"({expected / delivered_at:.0f} notifications/s)"
        )
    finally:
        notify.stop()
        await bus.delete_streams()
        await bus.close()
        if database.schema:
            async with engine.begin() as connection:
                await connection.execute(text(f'DROP SCHEMA IF EXISTS "{database.schema}" CASCADE'))
        await engine.dispose()
        if nats:
            nats.stop()


def main() -> None:
    applications = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as workdir:
        asyncio.run(run(applications, Path(workdir)))


if __name__ == "__main__":
    main()
