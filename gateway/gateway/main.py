"""App factory: `uvicorn gateway.main:create_app --factory`."""

from fastapi import FastAPI

from onevisit.service import create_service_app
from gateway.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="OneVisit gateway",
        description="一窗受理: the one entry for the mini-program, window clerks, departments and government systems",
        routers=[],
    )
