"""kill -9 notify in the middle of a burst of completed applications: after a restart every
applicant has exactly one delivery and one notification per step, and every message went out."""

import asyncio
import uuid

from sqlalchemy import func, select

from notify_svc.deliveries.models import Delivery
from notify_svc.notifications.models import Notification
from onevisit.bus import Bus
from onevisit.db import create_engine, create_session_factory
from tests.notify_svc.conftest import applicant, completed, submitted
from tests.notify_svc.process import NotifyProcess
from tests.support.infra import eventually, migrate

APPLICATIONS = 500
STEPS = ("submitted", "completed", "ready_for_pickup")


async def test_kill_9_during_a_burst_loses_and_duplicates_nothing(
    make_database, bus: Bus, nats_url, bus_namespace, tmp_path
) -> None:
    database = make_database("notify")
    await migrate("notify_svc", database)
    engine = create_engine(database.url, schema=database.schema)
    sessions = create_session_factory(engine)
    notify = NotifyProcess(
        database_url=database.url,
        schema=database.schema,
        nats_url=nats_url,
        namespace=bus_namespace,
        workdir=tmp_path,
        notification_sending_timeout_seconds="2",
        consumer_ack_wait_seconds="2",
    )

    async def count(query) -> int:
        async with sessions() as session:
            return await session.scalar(query) or 0

    deliveries = select(func.count()).select_from(Delivery)
    try:
        notify.start()
        ids = [uuid.uuid4() for _ in range(APPLICATIONS)]
        events = []
        for i, app_id in enumerate(ids):
            who = applicant(subject=f"S{i:06d}", phone=f"138{i:08d}")
            events += [submitted(app_id, who), completed(app_id, [uuid.uuid4()], who, with_licence=False)]
        for start in range(0, len(events), 200):
            await asyncio.gather(*(bus.publish_event(e) for e in events[start : start + 200]))

        await eventually(lambda: _at_least(count(deliveries), 50), timeout=60, interval=0.01)
        notify.kill()
        processed_before = await count(deliveries)
        assert processed_before < APPLICATIONS, "the burst finished before the kill; the test proves nothing"
        notify.start()

        async def all_done() -> bool:
            pending = select(func.count()).select_from(Notification).where(Notification.status != "delivered")
            total = select(func.count()).select_from(Notification)
            return (
                await count(deliveries) == APPLICATIONS
                and await count(total) == APPLICATIONS * len(STEPS) * 2
                and await count(pending) == 0
            )

        await eventually(all_done, timeout=90, interval=0.2)
        async with sessions() as session:
            per_step = (
                await session.execute(
                    select(Notification.application_id, Notification.step, Notification.channel, func.count()).group_by(
                        Notification.application_id, Notification.step, Notification.channel
                    )
                )
            ).all()
            assert {row[3] for row in per_step} == {1}
            assert {row[1] for row in per_step} == set(STEPS)
            per_app = (
                await session.execute(select(Delivery.application_id, func.count()).group_by(Delivery.application_id))
            ).all()
            assert len(per_app) == APPLICATIONS and {row[1] for row in per_app} == {1}
            assert (
                await session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status != "ready")) == 0
            )
    finally:
        notify.stop()
        await engine.dispose()


async def _at_least(value, minimum: int) -> bool:
    return await value >= minimum
