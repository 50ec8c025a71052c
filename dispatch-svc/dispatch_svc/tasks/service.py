"""The task graph of an application: build it, send what is ready, apply results, end it.

Every function here runs inside one transaction (a consumed message or a request) that holds the
application's row lock, so two replicas never decide the same application's next step at once.
Messages leave through the outbox, in the same transaction as the change they announce.
"""

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dispatch_svc.deadlines import clock
from dispatch_svc.departments import webhooks
from dispatch_svc.settings import Settings
from dispatch_svc.tasks import deficiencies, instant, messages
from dispatch_svc.tasks import repository as repo
from dispatch_svc.tasks.models import DispatchApplication, Task, TaskEvent
from onevisit.contracts import DepartmentResult
from onevisit.db import utcnow
from onevisit.events import (
    Applicant,
    ApplicationCompleted,
    ApplicationCorrectionRequested,
    ApplicationSubmitted,
    ApplicationSupplemented,
    ApplicationWithdrawn,
    Correction,
    DeficiencyNotice,
    DeficiencyTask,
    Event,
    TaskDecided,
    TaskDispatched,
    TaskResultSummary,
)
from onevisit.outbox import OutboxMessage


class UnknownItems(Exception):
    """The application names items its pinned bundle version does not have."""


class SupplementBeforeSubmission(Exception):
    """A supplement for an application dispatch has not taken in yet (its submission is being
    retried, say, while the catalog is down): not permanent, the consumer retries it later."""


def _emit(session: AsyncSession, application: DispatchApplication, event: Event) -> None:
    headers = {"traceparent": application.trace} if application.trace else None
    session.add(OutboxMessage.from_event(event, headers=headers))


def _transition(
    session: AsyncSession, task: Task, to_status: str, *, actor: str, at: datetime, detail: dict[str, Any] | None = None
) -> None:
    session.add(
        TaskEvent(
            task_id=task.id,
            application_id=task.application_id,
            at=at,
            from_status=task.status,
            to_status=to_status,
            actor=actor,
            detail=detail or {},
        )
    )
    task.status = to_status


def _dependencies(bundle: dict[str, Any], item: dict[str, Any], chosen: set[str]) -> list[str]:
    """Items among the chosen ones that must end approved before this one may start.

    An item the applicant did not choose is not waited for: what it would issue was asked from
    the applicant instead (the catalog's evaluate step saw to that).
    """
    needed = set(item.get("depends_on") or [])
    needed |= {d["depends_on"] for d in bundle.get("dependencies") or [] if d.get("item") == item["code"]}
    return sorted(needed & chosen - {item["code"]})


def _upstream_inputs(bundle: dict[str, Any], code: str, chosen: set[str]) -> list[dict[str, Any]]:
    """The fields and materials an item takes from the results of chosen upstream items."""
    inputs = []
    for d in bundle.get("dependencies") or []:
        if d.get("item") != code or d.get("depends_on") not in chosen:
            continue
        if d.get("kind") == "field" and d.get("field"):
            output = d.get("output") or d["field"].split(".")[-1]
            inputs.append({"kind": "field", "field": d["field"], "item": d["depends_on"], "output": output})
        elif d.get("kind") == "material" and d.get("material"):
            inputs.append({"kind": "material", "material": d["material"], "item": d["depends_on"]})
    return inputs


async def accept_submission(
    session: AsyncSession, *, event: ApplicationSubmitted, bundle: dict[str, Any], settings: Settings
) -> DispatchApplication | None:
    """Create the application's tasks and send every one whose inputs are ready; None if seen before."""
    if await repo.get_application(session, event.application_id) is not None:
        return None
    items = {item["code"]: item for item in bundle.get("items") or []}
    chosen = list(dict.fromkeys(event.items)) or list(items)
    unknown = [code for code in chosen if code not in items]
    if unknown:
        raise UnknownItems(f"items {unknown} not in bundle {event.bundle_code} v{event.catalog_version}")
    accepted = deficiencies.recorded(
        event.deficiencies, accepted_at=event.occurred_at, calendar=clock.working_calendar(settings.holidays_file)
    )
    application = DispatchApplication(
        id=event.application_id,
        bundle_code=event.bundle_code,
        catalog_version=event.catalog_version,
        applicant=event.applicant.model_dump(mode="json"),
        status="in_progress",
        form_data=event.form_data,
        materials=event.materials,
        deficiencies=accepted,
        deficiency_due_at=deficiencies.next_due(accepted),
        trace=event.trace,
        submitted_at=event.occurred_at,
    )
    session.add(application)
    await session.flush()
    now = utcnow()
    tasks = []
    for code in chosen:
        item = items[code]
        task = Task(
            id=uuid.uuid4(),
            application_id=application.id,
            item_code=code,
            item_name=item.get("name"),
            department_code=item["department"],
            status="pending",
            attempt=1,
            depends_on=_dependencies(bundle, item, set(chosen)),
            upstream_results={},
            fields=list(item.get("fields") or []),
            material_codes=list(item.get("materials") or []),
            result_outputs=[r["output"] for r in item.get("results") or [] if r.get("output")],
            upstream_inputs=_upstream_inputs(bundle, code, set(chosen)),
            instant_decision=item.get("instant_decision"),
            corrections=[],
            outputs={},
            legal_limit=item.get("legal_limit"),
            promised_limit=item.get("promised_limit"),
            paused_intervals=[],
            warning_level="none",
            deadline_provisional=False,
            created_at=now,
        )
        session.add(task)
        session.add(
            TaskEvent(
                task_id=task.id,
                application_id=application.id,
                at=now,
                to_status="pending",
                actor="dispatch",
                detail={"depends_on": task.depends_on},
            )
        )
        tasks.append(task)
    await session.flush()
    await _settle(session, application=application, tasks=tasks, settings=settings)
    return application


async def _send(
    session: AsyncSession, *, application: DispatchApplication, task: Task, settings: Settings, now: datetime
) -> None:
    """Send a ready task to its department, or decide it at once when the item's rule allows (秒批)."""
    if task.clock_started_at is None:
        task.clock_started_at = now
        clock.set_deadlines(task, start=now, calendar=clock.working_calendar(settings.holidays_file))
    task.dispatched_at = now
    _transition(session, task, "dispatched", actor="dispatch", at=now, detail={"attempt": task.attempt})
    # 秒批 decides on complete inputs only: a material still pending (容缺) leaves it to the department.
    waiting = deficiencies.open_for(task, application.deficiencies)
    automatic = (
        None if waiting else instant.decide(task=task, form_data=application.form_data, materials=application.materials)
    )
    _emit(
        session,
        application,
        TaskDispatched(
            application_id=application.id,
            task_id=task.id,
            item_code=task.item_code,
            department_code=task.department_code,
            deadline=task.promised_deadline,
        ),
    )
    if automatic is not None:
        _decide(
            session, application=application, task=task, result=automatic, actor="automatic", now=now, settings=settings
        )
        return
    # A material accepted missing (容缺) does not hold the task back: the department starts work,
    # sees the material under `pending_materials`, and the clock waits for the applicant.
    _sync_clock(task, application=application, now=now, settings=settings)
    await _publish_task(session, application=application, task=task, settings=settings, now=now)


async def _publish_task(
    session: AsyncSession, *, application: DispatchApplication, task: Task, settings: Settings, now: datetime
) -> None:
    """The task message of the current attempt, to the department's subject and its webhook if any."""
    body = messages.department_task(task=task, application=application, settings=settings)
    headers = {"Nats-Msg-Id": messages.task_message_id(task)}
    if application.trace:
        headers["traceparent"] = application.trace
    session.add(
        OutboxMessage.from_json(
            messages.task_subject(task.department_code),
            body,
            msg_id=uuid.uuid5(task.id, str(task.attempt)),
            headers=headers,
        )
    )
    await webhooks.enqueue_if_registered(session, task=task, body=body, now=now)


def _sync_clock(task: Task, *, application: DispatchApplication, now: datetime, settings: Settings) -> None:
    """Keep a started task's clock still exactly while its department waits for the applicant:
    a correction asked for, or a material accepted missing (容缺), not supplied yet and not lapsed.
    An ended task's clock runs no more: a pause still open closes at the decision."""
    if task.clock_started_at is None:
        return
    waiting_for = None
    if task.status == "needs_correction":
        waiting_for = "needs_correction"
    elif not task.ended and deficiencies.awaited_for(task, application.deficiencies):
        waiting_for = "deficiency"
    if waiting_for:
        clock.pause(task, at=now, reason=waiting_for)
    else:
        clock.resume(task, at=now, calendar=clock.working_calendar(settings.holidays_file))


def _decide(
    session: AsyncSession,
    *,
    application: DispatchApplication,
    task: Task,
    result: DepartmentResult,
    actor: str,
    now: datetime,
    settings: Settings,
) -> None:
    task.reason = result.reason
    task.outputs = dict(result.outputs)
    task.licence = result.licence
    task.corrections = [c.model_dump(exclude_none=True) for c in result.corrections]
    task.decided_by = actor
    task.decided_at = result.decided_at if actor != "automatic" else now
    _transition(
        session,
        task,
        result.decision,
        actor=actor,
        at=now,
        detail={"reason": result.reason, "attempt": task.attempt, "corrections": task.corrections},
    )
    _sync_clock(task, application=application, now=now, settings=settings)
    _emit(
        session,
        application,
        TaskDecided(
            application_id=application.id,
            task_id=task.id,
            item_code=task.item_code,
            department_code=task.department_code,
            status=result.decision,
            reason=result.reason,
            outputs=task.outputs,
            decided_by=actor,
        ),
    )


def _cancel(session: AsyncSession, *, application: DispatchApplication, task: Task, reason: str, now: datetime) -> None:
    task.reason = reason
    task.decided_by = "dispatch"
    task.decided_at = now
    _transition(session, task, "cancelled", actor="dispatch", at=now, detail={"reason": reason})
    _emit(
        session,
        application,
        TaskDecided(
            application_id=application.id,
            task_id=task.id,
            item_code=task.item_code,
            department_code=task.department_code,
            status="cancelled",
            reason=reason,
            decided_by="dispatch",
        ),
    )


def _cancel_dependents(
    session: AsyncSession, *, application: DispatchApplication, tasks: list[Task], rejected: Task, now: datetime
) -> None:
    """A rejected item ends every item that (transitively) needs it, naming the reason."""
    by_code = {t.item_code: t for t in tasks}
    queue = [rejected.item_code]
    while queue:
        upstream = by_code[queue.pop()]
        for task in tasks:
            if task.status == "pending" and upstream.item_code in task.depends_on:
                reason = f"前置事项「{rejected.item_name or rejected.item_code}」未通过"
                if rejected.reason:
                    reason += f"：{rejected.reason}"
                _cancel(session, application=application, task=task, reason=reason, now=now)
                queue.append(task.item_code)


async def _settle(
    session: AsyncSession, *, application: DispatchApplication, tasks: list[Task], settings: Settings
) -> None:
    """Send what became ready; then, once nothing is out with a department, ask for corrections
    (once, listing all) or complete the application."""
    if application.status != "in_progress":
        return
    now = utcnow()
    by_code = {t.item_code: t for t in tasks}
    progressed = True
    # Automatic decisions may make further tasks ready: loop until the graph stands still.
    while progressed:
        progressed = False
        for task in tasks:
            if task.status != "pending":
                continue
            upstream = [by_code[code] for code in task.depends_on if code in by_code]
            if all(u.status == "approved" for u in upstream):
                task.upstream_results = {u.item_code: dict(u.outputs) for u in upstream}
                await _send(session, application=application, task=task, settings=settings, now=now)
                if task.status == "rejected":
                    _cancel_dependents(session, application=application, tasks=tasks, rejected=task, now=now)
                progressed = True
    if any(t.status == "dispatched" for t in tasks):
        return
    asking = [t for t in tasks if t.status == "needs_correction"]
    if asking:
        _request_corrections(session, application=application, tasks=asking, now=now)
        return
    if all(t.ended for t in tasks):
        _complete(session, application=application, tasks=tasks, now=now)


def _request_corrections(
    session: AsyncSession, *, application: DispatchApplication, tasks: list[Task], now: datetime
) -> None:
    corrections = []
    for task in tasks:
        listed = task.corrections or [{"message": task.reason or "请按部门要求补正材料"}]
        corrections += [
            Correction(item_code=task.item_code, field=c.get("field"), material=c.get("material"), message=c["message"])
            for c in listed
        ]
    application.status = "correction_requested"
    _emit(
        session,
        application,
        ApplicationCorrectionRequested(
            application_id=application.id,
            applicant=Applicant.model_validate(application.applicant),
            corrections=corrections,
        ),
    )


def _complete(session: AsyncSession, *, application: DispatchApplication, tasks: list[Task], now: datetime) -> None:
    approved = sum(1 for t in tasks if t.status == "approved")
    outcome = "completed" if approved == len(tasks) else "rejected" if approved == 0 else "partially_completed"
    application.status = outcome
    application.completed_at = now
    _emit(
        session,
        application,
        ApplicationCompleted(
            application_id=application.id,
            bundle_code=application.bundle_code,
            outcome=outcome,
            applicant=Applicant.model_validate(application.applicant),
            results=[
                TaskResultSummary(
                    task_id=t.id,
                    item_code=t.item_code,
                    department_code=t.department_code,
                    status=t.status,
                    reason=t.reason,
                    outputs=t.outputs,
                    licence=t.licence,
                )
                for t in tasks
            ],
        ),
    )


async def apply_result(
    session: AsyncSession,
    *,
    result: DepartmentResult,
    actor: str,
    settings: Settings,
    attempt: int | None = None,
) -> Task | None:
    """Apply a department's decision once. Returns the task, or None when the result was ignored
    (unknown task handled by the caller; a task already decided; an answer to an earlier attempt)."""
    task = await repo.get_task(session, result.task_id)
    if task is None:
        return None
    application = await repo.get_application(session, task.application_id, lock=True)
    assert application is not None  # tasks never outlive their application row
    await session.refresh(task)  # the lock may have waited for another replica's change
    if task.status != "dispatched" or (attempt is not None and attempt != task.attempt):
        return None
    tasks = await repo.tasks_of(session, application.id)
    task = next(t for t in tasks if t.id == task.id)
    now = utcnow()
    _decide(session, application=application, task=task, result=result, actor=actor, now=now, settings=settings)
    if task.status == "rejected":
        _cancel_dependents(session, application=application, tasks=tasks, rejected=task, now=now)
    await _settle(session, application=application, tasks=tasks, settings=settings)
    return task


async def withdraw(session: AsyncSession, *, event: ApplicationWithdrawn) -> None:
    """The applicant withdrew: every task not yet ended ends, cancelled."""
    application = await repo.get_application(session, event.application_id, lock=True)
    if application is None or application.status not in {"in_progress", "correction_requested"}:
        return
    now = utcnow()
    reason = "申请人已撤回申请" + (f"：{event.reason}" if event.reason else "")
    for task in await repo.tasks_of(session, application.id):
        if not task.ended:
            _cancel(session, application=application, task=task, reason=reason, now=now)
    application.status = "withdrawn"
    application.completed_at = now


def _merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in update.items():
        merged[key] = (
            _merge(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) else value
        )
    return merged


def _merge_materials(current: Iterable[dict[str, Any]], supplied: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """A supplied material replaces the earlier one of the same code."""
    supplied = list(supplied)
    replaced = {m.get("material_code") for m in supplied}
    return [m for m in current if m.get("material_code") not in replaced] + supplied


async def supplement(session: AsyncSession, *, event: ApplicationSupplemented, settings: Settings) -> None:
    """The applicant's one supplement: the answer to a correction request, materials accepted
    missing (容缺), or both. Only the tasks that asked for a correction are sent again; a task out
    with its department that waited for a supplied material gets it in a follow-up; each clock
    runs again once nothing it waits for is missing."""
    application = await repo.get_application(session, event.application_id, lock=True)
    if application is None:
        # A deficiency may be supplied right after the submission: never drop it for arriving first.
        raise SupplementBeforeSubmission(f"application {event.application_id} not taken in yet")
    if application.status not in {"in_progress", "correction_requested"}:
        return
    now = utcnow()
    application.form_data = _merge(application.form_data, event.form_data)
    application.materials = _merge_materials(application.materials, event.materials)
    application.deficiencies, filled = deficiencies.fill(application.deficiencies, event.materials, at=now)
    application.deficiency_due_at = deficiencies.next_due(application.deficiencies)
    tasks = await repo.tasks_of(session, application.id)
    if application.status == "correction_requested":
        _reopen_corrected(session, application=application, tasks=tasks, now=now)
    for task in tasks:
        _sync_clock(task, application=application, now=now, settings=settings)
        supplied = [d["material_code"] for d in filled if deficiencies.concerns(d, task)]
        if task.status == "dispatched" and supplied:
            await _send_supplied_materials(
                session, application=application, task=task, supplied=supplied, settings=settings, now=now
            )
    await _settle(session, application=application, tasks=tasks, settings=settings)


def _reopen_corrected(
    session: AsyncSession, *, application: DispatchApplication, tasks: list[Task], now: datetime
) -> None:
    """The correction request is answered: a new wave, in which the tasks that asked run again."""
    application.wave += 1
    application.status = "in_progress"
    for task in tasks:
        if task.status == "needs_correction":
            task.attempt += 1
            task.corrections = []
            _transition(session, task, "pending", actor="applicant", at=now, detail={"supplemented": True})


async def _send_supplied_materials(
    session: AsyncSession,
    *,
    application: DispatchApplication,
    task: Task,
    supplied: list[str],
    settings: Settings,
    now: datetime,
) -> None:
    """A material the department works without (容缺) arrived: the same task again, attempt + 1,
    with the material's link and without it among `pending_materials`. Departments already take a
    higher attempt of a task as its replacement, so this needs no message kind of its own."""
    task.attempt += 1
    _transition(
        session,
        task,
        "dispatched",
        actor="applicant",
        at=now,
        detail={"attempt": task.attempt, "materials_supplied": supplied},
    )
    await _publish_task(session, application=application, task=task, settings=settings, now=now)


async def follow_up_deficiencies(
    session: AsyncSession, *, application_id: uuid.UUID, now: datetime, settings: Settings
) -> int:
    """The deadline scanner's 容缺 follow-up of one application: remind the applicant of a material
    due soon; lapse one whose `supplement_by` passed, so its tasks' clocks run again. Returns the
    notices raised. Under the application's row lock, like every change of it: a second replica
    scanning at once waits, then finds the deficiency already reminded or lapsed and raises nothing."""
    application = await repo.get_application(session, application_id, lock=True)
    if application is None:
        return 0
    if application.status not in {"in_progress", "correction_requested"}:
        application.deficiency_due_at = None  # ended or withdrawn: nothing left to follow up
        return 0
    application.deficiencies, reminded, lapsed = deficiencies.follow_up(application.deficiencies, now=now)
    application.deficiency_due_at = deficiencies.next_due(application.deficiencies)
    if not reminded and not lapsed:
        return 0
    tasks = await repo.tasks_of(session, application.id)
    for deficiency in lapsed:
        for task in tasks:
            if deficiencies.concerns(deficiency, task):
                _sync_clock(task, application=application, now=_lapse_resumes_at(task, deficiency), settings=settings)
    notices = [("reminder", d) for d in reminded] + [("lapsed", d) for d in lapsed]
    raised = 0
    for kind, deficiency in notices:
        live = [t for t in tasks if not t.ended and deficiencies.concerns(deficiency, t)]
        if not live:
            continue  # every item needing it has ended: nobody waits for the material any more
        _emit(session, application, _deficiency_notice(application, deficiency, kind=kind, tasks=live))
        raised += 1
    return raised


def _lapse_resumes_at(task: Task, deficiency: dict[str, Any]) -> datetime:
    """When a lapse lets the clock run again: at `supplement_by`, however late the scanner saw it
    (the applicant's delay past it is the department's time), yet never before the pause began."""
    resumes_at = datetime.fromisoformat(deficiency["supplement_by"])
    paused_since = clock.paused_since(task)
    return max(resumes_at, paused_since) if paused_since is not None else resumes_at


def _deficiency_notice(
    application: DispatchApplication, deficiency: dict[str, Any], *, kind: str, tasks: list[Task]
) -> DeficiencyNotice:
    # A task still waiting for an upstream item is not with its department yet: nobody there to tell.
    out = [t for t in tasks if t.status != "pending"]
    return DeficiencyNotice(
        application_id=application.id,
        kind=kind,  # type: ignore[arg-type]
        material_code=deficiency["material_code"],
        material_name=deficiency.get("name"),
        supplement_by=datetime.fromisoformat(deficiency["supplement_by"]),
        tasks=[
            DeficiencyTask(
                task_id=t.id, item_code=t.item_code, item_name=t.item_name, department_code=t.department_code
            )
            for t in out
        ],
    )


async def find_task(session: AsyncSession, *, task_id: uuid.UUID) -> Task | None:
    return await repo.get_task(session, task_id)
