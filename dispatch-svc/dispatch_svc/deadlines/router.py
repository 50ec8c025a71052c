"""`/v1/dept/on-time-rates`: how each department keeps its promised deadlines."""

from fastapi import APIRouter

from dispatch_svc.deadlines import service
from dispatch_svc.deadlines.schemas import OnTimeRates
from dispatch_svc.departments.router import DepartmentOrOps
from onevisit.db import utcnow
from onevisit.service import SessionDep

router = APIRouter(prefix="/v1/dept", tags=["time limits"])


@router.get("/on-time-rates", response_model=OnTimeRates, summary="On-time rates per department")
async def on_time_rates(session: SessionDep, caller: DepartmentOrOps, department: str | None = None) -> OnTimeRates:
    """Decided, on time, rate and open overdue tasks by department; a department sees its own only."""
    scope = department if caller.role == "ops" else caller.department
    return OnTimeRates(items=await service.on_time_rates(session, department=scope, now=utcnow()))
