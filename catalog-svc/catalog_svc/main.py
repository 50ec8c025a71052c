"""App factory: `uvicorn catalog_svc.main:create_app --factory`."""

from fastapi import FastAPI

from catalog_svc.admin.router import router as admin_router
from catalog_svc.bundles.router import router as bundles_router
from catalog_svc.bundles.service import VersionCache
from catalog_svc.dictionaries.router import router as dictionaries_router
from catalog_svc.settings import Settings
from onevisit.service import create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        settings,
        title="OneVisit catalog",
        description="一张清单 · 一次告知: bundles, items, materials, forms, scenarios and guides",
        routers=[bundles_router, dictionaries_router, admin_router],
    )
    app.state.versions = VersionCache()
    return app
