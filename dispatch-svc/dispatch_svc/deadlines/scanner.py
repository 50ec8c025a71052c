"""The background loop that runs the time-limit scan in every replica: 容缺 reminders and lapses,
then yellow and red warnings."""

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dispatch_svc.deadlines import service
from dispatch_svc.settings import Settings
from onevisit.db import utcnow
from onevisit.outbox import OutboxRelay

log = logging.getLogger("dispatch_svc.scanner")


async def run_scanner(
    session_factory: async_sessionmaker[AsyncSession], settings: Settings, relay: OutboxRelay
) -> None:
    while True:
        try:
            now = utcnow()
            # Deficiencies first: a lapse starts a clock the warning scan then looks at.
            raised = await service.follow_up_deficiencies(session_factory, now=now, settings=settings)
            async with session_factory() as session:
                raised += await service.scan(session, now=now, yellow_threshold=settings.yellow_threshold)
                await session.commit()
            if raised:
                relay.wake()
        except Exception as exc:
            log.warning("time-limit scan failed: %r", exc)
        await asyncio.sleep(settings.scanner_interval_seconds)
