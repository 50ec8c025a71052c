"""The outbox relay and the consumer runner against a real nats-server and a real database."""

import asyncio
import uuid

from sqlalchemy import func, select

from onevisit.bus import Bus
from onevisit.consumer import (
    IGNORE,
    Consumer,
    ConsumerRunner,
    DeadLetter,
    MessageContext,
    PermanentError,
    ProcessedMessage,
    Route,
)
from onevisit.db import Base, create_engine, create_session_factory
from onevisit.events import ApplicationWithdrawn
from onevisit.outbox import OutboxMessage, OutboxRelay
from tests.support.infra import eventually

PLATFORM_TABLES = [OutboxMessage.__table__, ProcessedMessage.__table__, DeadLetter.__table__]


async def _platform_database(make_database):
    database = make_database("platform")
    engine = create_engine(database.url, schema=database.schema)
    async with engine.begin() as connection:
        if database.schema:
            from sqlalchemy import text

            await connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{database.schema}"'))
        await connection.run_sync(lambda sync: Base.metadata.create_all(sync, tables=PLATFORM_TABLES))
    return engine


async def test_relay_publishes_committed_events_once_and_consumer_handles_each_once(make_database, bus: Bus) -> None:
    engine = await _platform_database(make_database)
    sessions = create_session_factory(engine)
    events = [ApplicationWithdrawn(application_id=uuid.uuid4()) for _ in range(5)]
    async with sessions() as session:
        session.add_all(OutboxMessage.from_event(event) for event in events)
        await session.commit()

    relay = OutboxRelay(sessions, bus)
    assert await relay.publish_pending() == 5
    assert await relay.publish_pending() == 0  # sent rows are not sent again
    # Publishing the same event id again (a relay that crashed before marking it) is de-duplicated.
    assert await bus.publish_event(events[0]) is False

    seen: list[uuid.UUID] = []

    async def handle(session, event: ApplicationWithdrawn, ctx: MessageContext) -> None:
        seen.append(event.application_id)

    consumer = Consumer(
        name="test-withdrawn",
        stream="APPLICATIONS",
        filter_subject="onevisit.application.>",
        routes={ApplicationWithdrawn.subject: Route(ApplicationWithdrawn, handle)},
    )
    runner = ConsumerRunner(bus, sessions, consumer)
    task = asyncio.create_task(runner.run())
    try:
        await eventually(lambda: _async(len(seen) == 5))
    finally:
        runner.stop()
        await task
    assert sorted(seen) == sorted(e.application_id for e in events)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(ProcessedMessage)) == 5
    await engine.dispose()


async def test_message_that_can_never_succeed_goes_to_dead_letters(make_database, bus: Bus) -> None:
    engine = await _platform_database(make_database)
    sessions = create_session_factory(engine)

    async def refuse(session, event, ctx) -> None:
        raise PermanentError("application unknown")

    consumer = Consumer(
        name="test-dead",
        stream="APPLICATIONS",
        filter_subject="onevisit.application.>",
        routes={ApplicationWithdrawn.subject: Route(ApplicationWithdrawn, refuse)},
    )
    await bus.publish_event(ApplicationWithdrawn(application_id=uuid.uuid4()))
    await bus.publish_raw("onevisit.application.withdrawn", b"{not json", msg_id="broken-1")
    runner = ConsumerRunner(bus, sessions, consumer)
    task = asyncio.create_task(runner.run())

    async def dead_letters() -> list[DeadLetter]:
        async with sessions() as session:
            rows = (await session.scalars(select(DeadLetter))).all()
            return list(rows) if len(rows) == 2 else []

    try:
        letters = await eventually(dead_letters)
    finally:
        runner.stop()
        await task
    errors = sorted(letter.error for letter in letters)
    assert "application unknown" in errors[0] or "application unknown" in errors[1]
    assert any("does not match" in e for e in errors)
    await engine.dispose()


async def test_ignored_events_are_acked_without_a_transaction_or_a_record(make_database, bus: Bus) -> None:
    engine = await _platform_database(make_database)
    sessions = create_session_factory(engine)
    handled: list[uuid.UUID] = []

    async def handle(session, event: ApplicationWithdrawn, ctx: MessageContext) -> None:
        handled.append(event.application_id)

    consumer = Consumer(
        name="test-ignore",
        stream="APPLICATIONS",
        filter_subject="onevisit.application.>",
        routes={ApplicationWithdrawn.subject: Route(ApplicationWithdrawn, handle), "onevisit.application.>": IGNORE},
    )
    await bus.publish_raw("onevisit.application.something_new", b'{"anything": 1}', msg_id="new-1")
    withdrawn = ApplicationWithdrawn(application_id=uuid.uuid4())
    await bus.publish_event(withdrawn)
    runner = ConsumerRunner(bus, sessions, consumer)
    task = asyncio.create_task(runner.run())
    try:
        await eventually(lambda: _async(handled == [withdrawn.application_id]))
        info = await bus.js.consumer_info(bus.stream("APPLICATIONS"), "test-ignore")
        assert info.num_ack_pending == 0 and info.num_pending == 0  # the ignored one was acked too
    finally:
        runner.stop()
        await task
    async with sessions() as session:
        keys = (await session.scalars(select(ProcessedMessage.message_key))).all()
        assert keys == [str(withdrawn.event_id)] and not (await session.scalars(select(DeadLetter))).all()
    await engine.dispose()


async def _async(value):
    return value
