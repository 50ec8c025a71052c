"""Public reads of the dictionaries."""

from fastapi import APIRouter, Request, Response

from catalog_svc.dictionaries import repository
from catalog_svc.dictionaries.schemas import DepartmentList, DepartmentRead
from catalog_svc.http_cache import cached_json
from onevisit.service import SessionDep

router = APIRouter(prefix="/v1", tags=["catalog"])


@router.get("/departments", response_model=DepartmentList)
async def list_departments(request: Request, session: SessionDep) -> Response:
    """List every department that handles items of the catalog (code, name, region)."""
    rows = await repository.list_departments(session)
    body = DepartmentList(items=[DepartmentRead.model_validate(row) for row in rows])
    return cached_json(request, body.model_dump(mode="json"), max_age=300)
