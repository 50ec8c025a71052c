"""The department side over HTTP: the pull API for a clerk's screen, results, webhook registration."""

import base64
import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from dispatch_svc.departments import repository as repo
from dispatch_svc.departments.errors import (
    DeliveryNotDead,
    DeliveryNotFound,
    TaskClaimedByAnother,
    TaskNotFound,
    TaskNotOpen,
)
from dispatch_svc.departments.models import DepartmentWebhook, WebhookDelivery
from dispatch_svc.departments.schemas import ResultAccepted, ResultIn, TaskPage, TaskRead, TaskSummary
from dispatch_svc.settings import Settings
from dispatch_svc.tasks import messages
from dispatch_svc.tasks import repository as tasks_repo
from dispatch_svc.tasks import service as tasks
from dispatch_svc.tasks.models import Task
from onevisit.contracts import DepartmentResult
from onevisit.db import utcnow
from onevisit.errors import ValidationFailed


def _encode_cursor(task: Task) -> str:
    return base64.urlsafe_b64encode(f"{task.created_at.isoformat()}|{task.id}".encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        created_at, task_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(created_at), uuid.UUID(task_id)
    except ValueError as exc:
        raise ValidationFailed("分页游标无效") from exc


async def list_tasks(
    session: AsyncSession, *, department: str, status: str | None, cursor: str | None, limit: int
) -> TaskPage:
    after = _decode_cursor(cursor) if cursor else None
    rows = await tasks_repo.department_tasks(
        session, department_code=department, status=status, after=after, limit=limit + 1
    )
    page = list(rows[:limit])
    return TaskPage(
        items=[
            TaskSummary(
                id=t.id,
                application_id=t.application_id,
                item_code=t.item_code,
                item_name=t.item_name,
                status=t.status,
                attempt=t.attempt,
                deadline=t.promised_deadline,
                claimed_by=t.claimed_by,
                dispatched_at=t.dispatched_at,
            )
            for t in page
        ],
        next_cursor=_encode_cursor(page[-1]) if len(rows) > limit else None,
    )


async def _own_task(session: AsyncSession, *, department: str, task_id: uuid.UUID) -> Task:
    task = await tasks_repo.get_task(session, task_id)
    # Another department's task is answered as missing: its existence is none of the caller's business.
    if task is None or task.department_code != department or task.status == "pending":
        raise TaskNotFound(f"任务 {task_id} 不存在")
    return task


async def read_task(session: AsyncSession, *, department: str, task_id: uuid.UUID, settings: Settings) -> TaskRead:
    task = await _own_task(session, department=department, task_id=task_id)
    application = await tasks_repo.get_application(session, task.application_id)
    assert application is not None
    return TaskRead(
        id=task.id,
        application_id=task.application_id,
        item_code=task.item_code,
        item_name=task.item_name,
        department_code=task.department_code,
        status=task.status,
        attempt=task.attempt,
        form_data=messages.task_form_data(task=task, form_data=application.form_data),
        # Signed now, so a clerk opening an old task still gets links that work.
        materials=messages.material_links(task=task, application=application, settings=settings),
        licence_materials=messages.licence_materials(task=task, application=application),
        pending_materials=messages.pending_materials(task=task, application=application),
        upstream_results=task.upstream_results,
        outputs_expected=list(task.result_outputs),
        deadline=task.promised_deadline,
        legal_deadline=task.legal_deadline,
        deadline_provisional=task.deadline_provisional,
        claimed_by=task.claimed_by,
        claimed_at=task.claimed_at,
        reason=task.reason,
        outputs=task.outputs,
        dispatched_at=task.dispatched_at,
        decided_at=task.decided_at,
    )


async def claim(session: AsyncSession, *, department: str, subject: str, task_id: uuid.UUID) -> Task:
    task = await _own_task(session, department=department, task_id=task_id)
    if task.status != "dispatched":
        raise TaskNotOpen(f"任务状态为 {task.status}，不可认领")
    if task.claimed_by not in (None, subject):
        raise TaskClaimedByAnother(f"任务已由 {task.claimed_by} 认领")
    if task.claimed_by is None:
        task.claimed_by = subject
        task.claimed_at = utcnow()
    return task


async def submit_result(
    session: AsyncSession, *, department: str, subject: str, task_id: uuid.UUID, result: ResultIn, settings: Settings
) -> ResultAccepted:
    """Apply the decision once; a result for a task already decided is ignored and says so."""
    task = await _own_task(session, department=department, task_id=task_id)
    if task.claimed_by not in (None, subject) and task.status == "dispatched":
        raise TaskClaimedByAnother(f"任务已由 {task.claimed_by} 认领，只有认领人可以办结")
    applied = await tasks.apply_result(
        session,
        result=DepartmentResult(task_id=task_id, decided_by=subject, **result.model_dump()),
        actor=f"department:{department}",
        settings=settings,
    )
    current = await tasks_repo.get_task(session, task_id)
    assert current is not None
    return ResultAccepted(task_id=task_id, status=current.status, applied=applied is not None)


async def put_webhook(
    session: AsyncSession, *, department: str, url: str, secret: str, subject: str
) -> DepartmentWebhook:
    webhook = await repo.webhook_of(session, department)
    if webhook is None:
        webhook = DepartmentWebhook(department_code=department, url=url, secret=secret, updated_by=subject)
        session.add(webhook)
    else:
        webhook.url, webhook.secret, webhook.updated_by = url, secret, subject
    webhook.updated_at = utcnow()
    await session.flush()
    return webhook


async def replay_delivery(session: AsyncSession, *, department: str | None, delivery_id: uuid.UUID) -> WebhookDelivery:
    """Give a dead delivery a fresh run of attempts, starting now."""
    delivery = await repo.get_delivery(session, delivery_id)
    if delivery is None or (department is not None and delivery.department_code != department):
        raise DeliveryNotFound(f"推送记录 {delivery_id} 不存在")
    if delivery.status != "dead":
        raise DeliveryNotDead(f"推送记录状态为 {delivery.status}")
    delivery.status = "pending"
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    return delivery
