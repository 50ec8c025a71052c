"""App factory: `uvicorn notify_svc.main:create_app --factory`."""

import asyncio
import logging

import httpx
from fastapi import FastAPI

from notify_svc.deliveries.router import courier_router
from notify_svc.deliveries.router import router as deliveries_router
from notify_svc.licences.router import router as licences_router
from notify_svc.notifications.providers import build_providers
from notify_svc.notifications.router import router as notifications_router
from notify_svc.notifications.sender import NotificationSender
from notify_svc.open311.router import router as open311_router
from notify_svc.progress.consumer import application_consumer
from notify_svc.ratings.router import router as ratings_router
from notify_svc.settings import Settings
from notify_svc.tickets.catalog import CatalogClient
from notify_svc.tickets.router import router as tickets_router
from notify_svc.tickets.service import escalate_overdue
from notify_svc.warnings.consumer import deficiency_consumer, warning_consumer
from onevisit.db import utcnow
from onevisit.service import Runtime, create_service_app

log = logging.getLogger("notify_svc")


async def escalate_forever(runtime: Runtime, settings: Settings) -> None:
    """Escalate overdue tickets periodically; each pass is idempotent, so replicas may overlap."""
    while True:
        try:
            async with runtime.session_factory() as session:
                await escalate_overdue(session, settings=settings, now=utcnow())
                await session.commit()
        except Exception:
            log.exception("ticket escalation pass failed")
        await asyncio.sleep(settings.escalation_poll_seconds)


def create_app(
    settings: Settings | None = None,
    *,
    provider_transport: httpx.AsyncBaseTransport | None = None,
    catalog_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Build notify; `provider_transport` reaches the outside SMS / message gateways (tests mock them),
    `catalog_transport` reaches catalog (tests pass the real catalog app)."""
    settings = settings or Settings()

    async def start(app: FastAPI, runtime: Runtime) -> None:
        runtime.extras["catalog"] = CatalogClient(settings.catalog_url, transport=catalog_transport)
        sender = NotificationSender(runtime.session_factory, build_providers(settings, provider_transport), settings)
        runtime.extras["sender"] = sender
        for runner in runtime.runners:
            relay_wake = runner.consumer.after_commit

            def wake_both(relay_wake=relay_wake) -> None:  # bound per runner
                relay_wake()
                sender.wake()

            runner.consumer.after_commit = wake_both
        runtime.spawn(sender.run(), "notification-sender")
        runtime.spawn(escalate_forever(runtime, settings), "ticket-escalation")

    async def stop(app: FastAPI, runtime: Runtime) -> None:
        sender: NotificationSender = runtime.extras["sender"]
        sender.stop()
        for provider in sender.providers.values():
            close = getattr(provider, "close", None) or getattr(getattr(provider, "inner", None), "close", None)
            if close is not None:
                await close()
        await runtime.extras["catalog"].close()

    return create_service_app(
        settings,
        title="OneVisit notify",
        description="一窗出件 · 一号服务: deliveries, notifications, licences, 12345 tickets, ratings",
        routers=[
            deliveries_router,
            courier_router,
            notifications_router,
            licences_router,
            tickets_router,
            ratings_router,
            open311_router,
        ],
        consumers=lambda runtime: [
            application_consumer(settings),
            warning_consumer(settings),
            deficiency_consumer(settings),
        ],
        on_startup=[start],
        on_shutdown=[stop],
    )
