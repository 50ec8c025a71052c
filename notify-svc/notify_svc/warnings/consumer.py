"""Dispatch's time notices from the NOTIFY stream, each told once (the step key is unique).

Consumer `notify-warnings`, time-limit warnings (红黄牌预警): a yellow card (80 % of the promised
time used) reminds the department in its inbox; a red card (overdue) also tells the applicant that
the item is late and being chased, so they learn it from us rather than by waiting.

Consumer `notify-deficiencies`, 容缺 follow-up: the applicant is reminded of a material due within
a working day; when its deadline passed, the applicant is told, and so is each department holding
a task that needs it (its time runs again and it may decide without the material). A consumer of
its own, not a wider filter on `notify-warnings`: an existing durable keeps the filter it was
created with.
"""

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.deliveries import repository as deliveries_repository
from notify_svc.deliveries import service as deliveries
from notify_svc.notifications import service as notifications
from notify_svc.settings import Settings
from onevisit.calendar import CHINA_TZ
from onevisit.consumer import Consumer, MessageContext, Route
from onevisit.events import DeficiencyNotice, TaskDeadlineWarning

CONSUMER_NAME = "notify-warnings"
DEFICIENCY_CONSUMER_NAME = "notify-deficiencies"


class ApplicationNotYetKnown(Exception):
    """A warning arrived before the submission it belongs to: retried until it has."""


async def _tell_department(
    session: AsyncSession,
    *,
    settings: Settings,
    department_code: str,
    step: str,
    template_code: str,
    values: dict[str, Any],
    application_id: uuid.UUID,
) -> None:
    """A message to the department's inbox, recorded at most once per step."""
    await notifications.record(
        session,
        settings=settings,
        reference=f"department:{department_code}:{step}",
        step=step,
        recipient_subject=f"dept:{department_code}",
        phone=None,
        template_code=template_code,
        values=values,
        application_id=application_id,
    )


def warning_consumer(settings: Settings) -> Consumer:
    async def on_warning(session: AsyncSession, event: TaskDeadlineWarning, ctx: MessageContext) -> None:
        delivery = await deliveries_repository.by_application(session, event.application_id)
        if delivery is None:
            raise ApplicationNotYetKnown(f"application {event.application_id} not submitted yet")
        deadline = event.promised_deadline.astimezone(CHINA_TZ).strftime("%Y-%m-%d")
        step = f"warning:{event.task_id}:{event.level}"
        await _tell_department(
            session,
            settings=settings,
            department_code=event.department_code,
            step=step,
            template_code=f"task_deadline_{event.level}",
            values={"办件编号": str(event.application_id), "事项": event.item_code, "期限": deadline},
            application_id=event.application_id,
        )
        if event.level == "red":
            await deliveries.notify_step(
                session,
                settings=settings,
                delivery=delivery,
                step=step,
                template_code="task_overdue_applicant",
                values={"事项": event.item_code, "期限": deadline},
            )

    return Consumer(
        name=CONSUMER_NAME,
        stream="NOTIFY",
        filter_subject=TaskDeadlineWarning.subject,
        ack_wait_seconds=settings.consumer_ack_wait_seconds,
        routes={TaskDeadlineWarning.subject: Route(TaskDeadlineWarning, on_warning)},
    )


def deficiency_consumer(settings: Settings) -> Consumer:
    async def on_notice(session: AsyncSession, event: DeficiencyNotice, ctx: MessageContext) -> None:
        delivery = await deliveries_repository.by_application(session, event.application_id)
        if delivery is None:
            raise ApplicationNotYetKnown(f"application {event.application_id} not submitted yet")
        values: dict[str, Any] = {
            "材料": event.material_name or event.material_code,
            "期限": event.supplement_by.astimezone(CHINA_TZ).strftime("%Y-%m-%d"),
        }
        # Once per material and kind for the applicant, however many of their items need it.
        await deliveries.notify_step(
            session,
            settings=settings,
            delivery=delivery,
            step=f"deficiency:{event.material_code}:{event.kind}",
            template_code="deficiency_reminder" if event.kind == "reminder" else "deficiency_lapsed_applicant",
            values=values,
        )
        if event.kind != "lapsed":
            return
        for task in event.tasks:
            await _tell_department(
                session,
                settings=settings,
                department_code=task.department_code,
                step=f"deficiency:{task.task_id}:{event.material_code}:lapsed",
                template_code="deficiency_lapsed",
                values={**values, "办件编号": str(event.application_id), "事项": task.item_name or task.item_code},
                application_id=event.application_id,
            )

    return Consumer(
        name=DEFICIENCY_CONSUMER_NAME,
        stream="NOTIFY",
        filter_subject=DeficiencyNotice.subject,
        ack_wait_seconds=settings.consumer_ack_wait_seconds,
        routes={DeficiencyNotice.subject: Route(DeficiencyNotice, on_notice)},
    )
