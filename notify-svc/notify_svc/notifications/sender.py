"""The background sender: claims due notifications, hands them to their channel's provider, and
records what the provider answered. Technical failures are retried with exponential backoff a
bounded number of times, then marked `technical-failure`; nothing is retried forever.

Claim and outcome are two short transactions around the provider calls, so a slow provider never
holds a database lock; a process killed in between leaves rows in `sending` with no provider,
which the sweep of the next pass (here or in another replica) puts back in the queue.
"""

import asyncio
import logging
import time
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notify_svc.notifications import repository
from notify_svc.notifications.models import CREATED, FINAL_STATUSES, SENDING, TECHNICAL_FAILURE, Notification
from notify_svc.notifications.providers import OutgoingMessage, Provider, ProviderError, SendOutcome
from notify_svc.settings import Settings
from onevisit.db import utcnow

log = logging.getLogger("notify_svc.sender")

RECEIPT_TIMEOUT = timedelta(hours=72)
# The sweep repairs what crashes leave behind; it need not run on every pass (it costs three UPDATEs).
SWEEP_EVERY_SECONDS = 1.0


class NotificationSender:
    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], providers: dict[str, Provider], settings: Settings
    ):
        self.session_factory = session_factory
        self.providers = providers
        self.settings = settings
        self._wake = asyncio.Event()
        self._stopping = False
        self._limit = asyncio.Semaphore(settings.sender_concurrency)
        self._next_sweep = 0.0

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    def backoff(self, attempts: int) -> timedelta:
        s = self.settings
        return timedelta(
            seconds=min(s.notification_retry_base_seconds * 2 ** (attempts - 1), s.notification_retry_max_seconds)
        )

    async def run(self) -> None:
        while not self._stopping:
            try:
                while not self._stopping and await self.send_due() >= self.settings.sender_batch_size:
                    pass
            except Exception:
                log.exception("notification sender pass failed")
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.settings.sender_poll_seconds)
            except TimeoutError:
                pass
            self._wake.clear()

    async def send_due(self) -> int:
        """One pass: sweep, claim a batch, send it, record the outcomes; returns how many were sent."""
        now = utcnow()
        lease = timedelta(seconds=self.settings.notification_sending_timeout_seconds)
        async with self.session_factory() as session:
            if time.monotonic() >= self._next_sweep:
                self._next_sweep = time.monotonic() + SWEEP_EVERY_SECONDS
                await repository.sweep_stale(
                    session,
                    now=now,
                    max_attempts=self.settings.notification_max_attempts,
                    receipt_deadline=now - RECEIPT_TIMEOUT,
                )
            rows = await repository.claim_due(session, now=now, limit=self.settings.sender_batch_size)
            messages = []
            for row in rows:
                row.status = SENDING
                row.attempts += 1
                row.next_attempt_at = now + lease
                messages.append(
                    OutgoingMessage(
                        id=row.id,
                        channel=row.channel,
                        to=row.to,
                        recipient_subject=row.recipient_subject,
                        title=row.title,
                        body=row.body,
                        reference=row.reference,
                        attempt=row.attempts,
                    )
                )
            await session.commit()
        if not messages:
            return 0
        outcomes = await asyncio.gather(*(self._send(message) for message in messages))
        async with self.session_factory() as session:
            rows_by_id = await repository.get_many(session, [m.id for m in messages])
            done = utcnow()
            for message, outcome in zip(messages, outcomes, strict=True):
                row = rows_by_id.get(message.id)
                if row is None or row.status != SENDING or row.provider is not None:
                    continue  # swept or answered elsewhere meanwhile
                self._apply(row, outcome, done)
            await session.commit()
        return len(messages)

    async def _send(self, message: OutgoingMessage) -> tuple[str, SendOutcome | Exception]:
        provider = self.providers.get(message.channel)
        if provider is None:
            return "-", ProviderError(f"no provider for channel {message.channel}")
        async with self._limit:
            try:
                return provider.name, await provider.send(message)
            except Exception as exc:  # any provider bug counts as a technical failure, retried
                return provider.name, exc

    def _apply(self, row: Notification, outcome: tuple[str, SendOutcome | Exception], now: datetime) -> None:
        provider_name, result = outcome
        if isinstance(result, SendOutcome):
            row.provider = provider_name
            row.provider_reference = result.provider_reference
            row.status = result.status
            row.sent_at = now
            row.last_error = result.detail
            if result.status in FINAL_STATUSES:
                row.completed_at = now
            return
        row.last_error = f"{result.__class__.__name__}: {result}"[:1000]
        if row.attempts >= self.settings.notification_max_attempts:
            row.status = TECHNICAL_FAILURE
            row.completed_at = now
            log.warning("notification %s failed for good after %d attempts: %s", row.id, row.attempts, result)
        else:
            row.status = CREATED
            row.next_attempt_at = now + self.backoff(row.attempts)
