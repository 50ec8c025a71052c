"""App factory: `uvicorn notify_svc.main:create_app --factory`."""

from fastapi import FastAPI

from onevisit.service import create_service_app
from notify_svc.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="OneVisit notify",
        description="一窗出件 · 一号服务: deliveries, notifications, licences, 12345 tickets, ratings",
        routers=[],
    )
