"""App factory: `uvicorn notify_svc.main:create_app --factory`."""

import httpx
from fastapi import FastAPI

from notify_svc.deliveries.router import router as deliveries_router
from notify_svc.licences.router import router as licences_router
from notify_svc.notifications.providers import build_providers
from notify_svc.notifications.router import router as notifications_router
from notify_svc.notifications.sender import NotificationSender
from notify_svc.progress.consumer import application_consumer
from notify_svc.settings import Settings
from onevisit.service import Runtime, create_service_app


def create_app(
    settings: Settings | None = None,
    *,
    provider_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Build notify; `provider_transport` reaches the outside SMS / message gateways (tests mock them)."""
    settings = settings or Settings()

    async def start_sender(app: FastAPI, runtime: Runtime) -> None:
        sender = NotificationSender(runtime.session_factory, build_providers(settings, provider_transport), settings)
        runtime.extras["sender"] = sender
        for runner in runtime.runners:
            relay_wake = runner.consumer.after_commit

            def wake_both(relay_wake=relay_wake) -> None:
                relay_wake()
                sender.wake()

            runner.consumer.after_commit = wake_both
        runtime.spawn(sender.run(), "notification-sender")

    async def stop_sender(app: FastAPI, runtime: Runtime) -> None:
        runtime.extras["sender"].stop()
        for provider in runtime.extras["sender"].providers.values():
            close = getattr(provider, "close", None) or getattr(getattr(provider, "inner", None), "close", None)
            if close is not None:
                await close()

    return create_service_app(
        settings,
        title="OneVisit notify",
        description="一窗出件 · 一号服务: deliveries, notifications, licences, 12345 tickets, ratings",
        routers=[deliveries_router, notifications_router, licences_router],
        consumers=lambda runtime: [application_consumer(settings)],
        on_startup=[start_sender],
        on_shutdown=[stop_sender],
    )
