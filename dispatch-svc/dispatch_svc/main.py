"""App factory: `uvicorn dispatch_svc.main:create_app --factory`."""

from fastapi import FastAPI

from onevisit.service import create_service_app
from dispatch_svc.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="OneVisit dispatch",
        description="一次分办: department tasks, results, time limits and warnings",
        routers=[],
    )
