"""`/v1/dept/*`: the department's own tasks (list, read, claim, decide) and its webhook."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from dispatch_svc.departments import repository as repo
from dispatch_svc.departments import service
from dispatch_svc.departments.errors import NotADepartment, WebhookNotRegistered
from dispatch_svc.departments.schemas import (
    DeliveryPage,
    DeliveryRead,
    ResultAccepted,
    ResultIn,
    TaskPage,
    TaskRead,
    WebhookIn,
    WebhookRead,
)
from dispatch_svc.settings import Settings
from onevisit.auth import CurrentIdentity, Identity
from onevisit.service import RuntimeDep, SessionDep

router = APIRouter(prefix="/v1/dept", tags=["departments"])


def department_identity(identity: CurrentIdentity) -> Identity:
    if identity.role != "department" or not identity.department:
        raise NotADepartment("需要部门身份（含部门编码）")
    return identity


def department_or_ops(identity: CurrentIdentity) -> Identity:
    if identity.role == "ops":
        return identity
    return department_identity(identity)


Department = Annotated[Identity, Depends(department_identity)]
DepartmentOrOps = Annotated[Identity, Depends(department_or_ops)]
TaskStatus = Literal["dispatched", "approved", "rejected", "needs_correction", "cancelled"]


def _settings(runtime: RuntimeDep) -> Settings:
    return runtime.settings  # type: ignore[return-value]


@router.get("/tasks", response_model=TaskPage, summary="List the caller's department's tasks")
async def list_tasks(
    session: SessionDep,
    caller: Department,
    status: TaskStatus | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> TaskPage:
    """The caller's department's tasks, oldest first, optionally by status (a clerk's queue)."""
    return await service.list_tasks(
        session, department=caller.department or "", status=status, cursor=cursor, limit=limit
    )


@router.get("/tasks/{task_id}", response_model=TaskRead, summary="Read one task")
async def read_task(task_id: uuid.UUID, session: SessionDep, runtime: RuntimeDep, caller: Department) -> TaskRead:
    """One task of the caller's department: the item's fields only, fresh signed material links."""
    return await service.read_task(
        session, department=caller.department or "", task_id=task_id, settings=_settings(runtime)
    )


@router.post("/tasks/{task_id}/claim", response_model=TaskRead, summary="Claim a task")
async def claim_task(task_id: uuid.UUID, session: SessionDep, runtime: RuntimeDep, caller: Department) -> TaskRead:
    """Take a task on for the calling clerk, so two clerks do not decide it both."""
    await service.claim(session, department=caller.department or "", subject=caller.subject, task_id=task_id)
    return await service.read_task(
        session, department=caller.department or "", task_id=task_id, settings=_settings(runtime)
    )


@router.post("/tasks/{task_id}/result", response_model=ResultAccepted, summary="Decide a task")
async def post_result(
    task_id: uuid.UUID, body: ResultIn, session: SessionDep, runtime: RuntimeDep, caller: Department
) -> ResultAccepted:
    """Approve, reject or ask for corrections; idempotent per task (a second result is ignored)."""
    return await service.submit_result(
        session,
        department=caller.department or "",
        subject=caller.subject,
        task_id=task_id,
        result=body,
        settings=_settings(runtime),
    )


@router.put("/webhook", response_model=WebhookRead, summary="Register the department's webhook")
async def put_webhook(body: WebhookIn, session: SessionDep, caller: Department) -> WebhookRead:
    """From now on this department's tasks are POSTed to `url`, signed with `secret`."""
    webhook = await service.put_webhook(
        session, department=caller.department or "", url=str(body.url), secret=body.secret, subject=caller.subject
    )
    return WebhookRead.model_validate(webhook)


@router.get("/webhook", response_model=WebhookRead, summary="Read the department's webhook")
async def get_webhook(session: SessionDep, caller: Department) -> WebhookRead:
    """Where this department's tasks are POSTed (the secret is never shown again)."""
    webhook = await repo.webhook_of(session, caller.department or "")
    if webhook is None:
        raise WebhookNotRegistered("本部门尚未登记接收地址")
    return WebhookRead.model_validate(webhook)


@router.get("/webhook/deliveries", response_model=DeliveryPage, summary="List webhook deliveries")
async def list_deliveries(
    session: SessionDep,
    caller: DepartmentOrOps,
    status: Literal["pending", "delivered", "dead"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> DeliveryPage:
    """Deliveries of the caller's department (all departments for operators), newest first."""
    rows = await repo.deliveries_of(session, department_code=caller.department, status=status, limit=limit)
    return DeliveryPage(items=[DeliveryRead.model_validate(r) for r in rows])


@router.post("/webhook/deliveries/{delivery_id}/replay", response_model=DeliveryRead, summary="Replay a dead delivery")
async def replay_delivery(delivery_id: uuid.UUID, session: SessionDep, caller: DepartmentOrOps) -> DeliveryRead:
    """Send a delivery that was given up on again, with a fresh run of retries."""
    department = None if caller.role == "ops" else caller.department
    delivery = await service.replay_delivery(session, department=department, delivery_id=delivery_id)
    return DeliveryRead.model_validate(delivery)
