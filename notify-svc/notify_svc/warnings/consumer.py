"""Consumer `notify-warnings`: dispatch's time-limit warnings (红黄牌预警), from the NOTIFY stream.

A yellow card (80 % of the promised time used) reminds the department in its inbox; a red card
(overdue) also tells the applicant that the item is late and being chased, so they learn it
from us rather than by waiting. Each level is told once per task: the step key is unique.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.deliveries import repository as deliveries_repository
from notify_svc.deliveries import service as deliveries
from notify_svc.notifications import service as notifications
from notify_svc.settings import Settings
from onevisit.consumer import Consumer, MessageContext, Route
from onevisit.events import TaskDeadlineWarning

CONSUMER_NAME = "notify-warnings"


class ApplicationNotYetKnown(Exception):
    """A warning arrived before the submission it belongs to: retried until it has."""


def warning_consumer(settings: Settings) -> Consumer:
    async def on_warning(session: AsyncSession, event: TaskDeadlineWarning, ctx: MessageContext) -> None:
        delivery = await deliveries_repository.by_application(session, event.application_id)
        if delivery is None:
            raise ApplicationNotYetKnown(f"application {event.application_id} not submitted yet")
        deadline = event.promised_deadline.strftime("%Y-%m-%d")
        step = f"warning:{event.task_id}:{event.level}"
        await notifications.record(
            session,
            settings=settings,
            reference=f"department:{event.department_code}:{step}",
            step=step,
            recipient_subject=f"dept:{event.department_code}",
            phone=None,
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
