"""App factory: `uvicorn catalog_svc.main:create_app --factory`."""

from fastapi import FastAPI

from onevisit.service import create_service_app
from catalog_svc.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="OneVisit catalog",
        description="一张清单 · 一次告知: bundles, items, materials, forms, scenarios and guides",
        routers=[],
    )
