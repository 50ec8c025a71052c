"""App factory: `uvicorn intake_svc.main:create_app --factory`."""

from fastapi import FastAPI

from onevisit.service import create_service_app
from intake_svc.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="OneVisit intake",
        description="一表申请 · 一套材料 · 一次提交 · 一次反馈: drafts, materials, validation, applications",
        routers=[],
    )
