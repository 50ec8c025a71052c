"""The background loop that runs the time-limit scan in every replica."""

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
            async with session_factory() as session:
                raised = await service.scan(session, now=utcnow(), yellow_threshold=settings.yellow_threshold)
                await session.commit()
            if raised:
                relay.wake()
        except Exception as exc:
            log.warning("time-limit scan failed: %r", exc)
        await asyncio.sleep(settings.scanner_interval_seconds)
