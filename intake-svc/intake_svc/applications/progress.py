"""The `intake-progress` consumer: what dispatch reports about an application (tasks dispatched
and decided, a correction request, completion) kept on the application and in its timeline.

Idempotent twice over: the runner records each event id, and every handler checks the state
before acting, so a late or replayed event never moves an application backwards."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from intake_svc.applications import repository
from intake_svc.applications.models import Application, ApplicationTask
from intake_svc.applications.service import TERMINAL
from onevisit.consumer import IGNORE, Consumer, MessageContext, PermanentError, Route
from onevisit.db import utcnow
from onevisit.events import (
    ApplicationCompleted,
    ApplicationCorrectionRequested,
    TaskDecided,
    TaskDispatched,
)

CONSUMER_NAME = "intake-progress"


async def _application(session: AsyncSession, application_id: Any) -> Application:
    application = await repository.get(session, application_id, for_update=True)
    if application is None:
        raise PermanentError(f"application {application_id} unknown to intake")
    return application


async def on_task_dispatched(session: AsyncSession, event: TaskDispatched, ctx: MessageContext) -> None:
    """A task went to its department: the application is in progress."""
    application = await _application(session, event.application_id)
    task = await repository.get_task(session, application.id, event.item_code)
    if task is not None and task.event_at > event.occurred_at:
        return
    if task is None:
        task = ApplicationTask(application_id=application.id, item_code=event.item_code, outputs={})
        repository.add_task(session, task)
    task.task_id = event.task_id
    task.department_code = event.department_code
    task.status = "dispatched"
    task.deadline = event.deadline
    task.event_at = event.occurred_at
    task.updated_at = utcnow()
    if application.status == "submitted":
        _move(application, "in_progress")
    repository.record(
        session,
        application.id,
        actor=event.department_code,
        event="task.dispatched",
        detail={"item_code": event.item_code, "task_id": str(event.task_id), "status": application.status},
        at=event.occurred_at,
    )


async def on_task_decided(session: AsyncSession, event: TaskDecided, ctx: MessageContext) -> None:
    """A department (or a rule) decided a task: keep its status and result on the application."""
    application = await _application(session, event.application_id)
    task = await repository.get_task(session, application.id, event.item_code)
    if task is not None and task.event_at > event.occurred_at:
        return
    if task is None:
        task = ApplicationTask(application_id=application.id, item_code=event.item_code)
        repository.add_task(session, task)
    task.task_id = event.task_id
    task.department_code = event.department_code
    task.status = event.status
    task.reason = event.reason
    task.outputs = event.outputs
    task.event_at = event.occurred_at
    task.updated_at = utcnow()
    if application.status == "submitted":
        _move(application, "in_progress")
    repository.record(
        session,
        application.id,
        actor=f"{event.department_code}:{event.decided_by}",
        event="task.decided",
        detail={"item_code": event.item_code, "status": event.status, "reason": event.reason},
        at=event.occurred_at,
    )


async def on_correction_requested(
    session: AsyncSession, event: ApplicationCorrectionRequested, ctx: MessageContext
) -> None:
    """Dispatch asks, once, for everything to correct: the applicant sees every correction."""
    application = await _application(session, event.application_id)
    if application.status in TERMINAL or application.status == "draft":
        return
    if application.supplemented_at is not None and application.supplemented_at > event.occurred_at:
        return  # answered already; this is a replay of the old request
    application.corrections = [c.model_dump(mode="json") for c in event.corrections]
    _move(application, "correction_requested")
    repository.record(
        session,
        application.id,
        actor="dispatch",
        event="application.correction_requested",
        detail={"corrections": application.corrections},
        at=event.occurred_at,
    )


async def on_completed(session: AsyncSession, event: ApplicationCompleted, ctx: MessageContext) -> None:
    """Every task ended: the outcome is final, with each item's result and licence."""
    application = await _application(session, event.application_id)
    if application.status in TERMINAL:
        return
    for result in event.results:
        task = await repository.get_task(session, application.id, result.item_code)
        if task is None:
            task = ApplicationTask(application_id=application.id, item_code=result.item_code)
            repository.add_task(session, task)
        task.task_id = result.task_id
        task.department_code = result.department_code
        task.status = result.status
        task.reason = result.reason
        task.outputs = result.outputs
        task.licence = result.licence
        task.event_at = event.occurred_at
        task.updated_at = utcnow()
    _move(application, event.outcome)
    application.closed_at = event.occurred_at
    repository.record(
        session,
        application.id,
        actor="dispatch",
        event="application.completed",
        detail={"outcome": event.outcome, "results": {r.item_code: r.status for r in event.results}},
        at=event.occurred_at,
    )


def _move(application: Application, status: str) -> None:
    application.status = status
    application.updated_at = utcnow()


def progress_consumer() -> Consumer:
    return Consumer(
        name=CONSUMER_NAME,
        stream="APPLICATIONS",
        filter_subject="onevisit.application.>",
        routes={
            TaskDispatched.subject: Route(TaskDispatched, on_task_dispatched),
            TaskDecided.subject: Route(TaskDecided, on_task_decided),
            ApplicationCorrectionRequested.subject: Route(ApplicationCorrectionRequested, on_correction_requested),
            ApplicationCompleted.subject: Route(ApplicationCompleted, on_completed),
            # Our own events share the stream (intake recorded them when it wrote them); events
            # added to the stream later are none of intake's business until a handler says so.
            "onevisit.application.>": IGNORE,
        },
    )
