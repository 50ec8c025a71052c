"""App factory: `uvicorn dispatch_svc.main:create_app --factory`."""

import httpx
from fastapi import FastAPI

from dispatch_svc.catalog_client import CatalogClient
from dispatch_svc.deadlines.clock import working_calendar
from dispatch_svc.deadlines.router import router as deadlines_router
from dispatch_svc.deadlines.scanner import run_scanner
from dispatch_svc.departments.router import router as departments_router
from dispatch_svc.departments.webhooks import WebhookSender
from dispatch_svc.runner import MultiSubjectRunner
from dispatch_svc.settings import Settings
from dispatch_svc.tasks.consumers import application_consumer, result_consumer
from onevisit.consumer import ConsumerRunner
from onevisit.service import Runtime, create_service_app

APPLICATION_SUBJECTS = [
    "onevisit.application.submitted",
    "onevisit.application.supplemented",
    "onevisit.application.withdrawn",
]


def create_app(
    settings: Settings | None = None,
    *,
    catalog_transport: httpx.AsyncBaseTransport | None = None,
    webhook_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Build dispatch; tests pass transports to reach the real catalog (and departments) in-process."""
    settings = settings or Settings()

    async def start(app: FastAPI, runtime: Runtime) -> None:
        # Read the holiday table now, so a broken file stops the start instead of the first task.
        working_calendar(settings.holidays_file)
        catalog = CatalogClient(
            settings.catalog_url, timeout=settings.catalog_timeout_seconds, transport=catalog_transport
        )
        sender = WebhookSender(runtime.session_factory, settings, transport=webhook_transport)
        runtime.extras.update(catalog=catalog, webhooks=sender)
        consumers = [
            MultiSubjectRunner(
                runtime.bus,
                runtime.session_factory,
                application_consumer(settings=settings, catalog=catalog),
                APPLICATION_SUBJECTS,
            ),
            ConsumerRunner(runtime.bus, runtime.session_factory, result_consumer(settings=settings)),
        ]
        for runner in consumers:
            # A handled message may have queued tasks and webhook deliveries: send them at once.
            runner.consumer.after_commit = _wake_all(runtime, sender)
            runtime.runners.append(runner)
            runtime.spawn(runner.run(), f"consumer-{runner.consumer.name}")
        runtime.spawn(sender.run(), "webhook-sender")
        runtime.spawn(run_scanner(runtime.session_factory, settings, runtime.relay), "deadline-scanner")

    async def stop(app: FastAPI, runtime: Runtime) -> None:
        await runtime.extras["catalog"].close()
        await runtime.extras["webhooks"].close()

    return create_service_app(
        settings,
        title="OneVisit dispatch",
        description="一次分办: department tasks, results, time limits and warnings",
        routers=[departments_router, deadlines_router],
        on_startup=[start],
        on_shutdown=[stop],
    )


def _wake_all(runtime: Runtime, sender: WebhookSender):
    def wake() -> None:
        runtime.relay.wake()
        sender.wake()

    return wake
