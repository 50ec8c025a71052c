"""Consumer `notify-applications`: the application's progress, from the APPLICATIONS stream, becomes
the delivery, the licences and one notification per step.

Idempotent twice over: the runner records each message id, and every effect is keyed by the
application and the step (unique constraints), so a re-published event with a new id adds nothing.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.deliveries import repository as deliveries_repository
from notify_svc.deliveries import service as deliveries
from notify_svc.settings import Settings
from onevisit.consumer import IGNORE, Consumer, MessageContext, Route
from onevisit.events import (
    ApplicationCompleted,
    ApplicationCorrectionRequested,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    TaskDecided,
    TaskDispatched,
)

CONSUMER_NAME = "notify-applications"


class ApplicationNotYetKnown(Exception):
    """A decision arrived before the submission it belongs to: retried (with backoff) until it has."""


def application_consumer(settings: Settings) -> Consumer:
    async def on_submitted(session: AsyncSession, event: ApplicationSubmitted, ctx: MessageContext) -> None:
        """Open the delivery and tell the applicant their application was received."""
        delivery = await deliveries.open_delivery(
            session,
            settings=settings,
            application_id=event.application_id,
            applicant=event.applicant,
            bundle_code=event.bundle_code,
        )
        await deliveries.notify_step(
            session, settings=settings, delivery=delivery, step="submitted", template_code="application_submitted"
        )

    async def on_task_dispatched(session: AsyncSession, event: TaskDispatched, ctx: MessageContext) -> None:
        """Remember which departments handle the application (12345 routing, rating statistics)."""
        delivery = await deliveries_repository.by_application(session, event.application_id)
        if delivery is None:
            raise ApplicationNotYetKnown(f"application {event.application_id} not submitted yet")
        deliveries.remember_departments(delivery, [event.department_code])

    async def on_task_decided(session: AsyncSession, event: TaskDecided, ctx: MessageContext) -> None:
        """Tell the applicant each department's decision."""
        if event.status == "needs_correction":
            return  # the one correction request (一次告知) that follows lists everything at once
        delivery = await deliveries_repository.by_application(session, event.application_id)
        if delivery is None:
            raise ApplicationNotYetKnown(f"application {event.application_id} not submitted yet")
        deliveries.remember_departments(delivery, [event.department_code])
        await deliveries.notify_step(
            session,
            settings=settings,
            delivery=delivery,
            step=f"decided:{event.task_id}:{event.status}",
            template_code=f"task_{event.status}",
            values={"事项": event.item_code, "部门": event.department_code, "原因": event.reason or "未说明"},
        )

    async def on_correction_requested(
        session: AsyncSession, event: ApplicationCorrectionRequested, ctx: MessageContext
    ) -> None:
        """Tell the applicant everything to correct, in one message."""
        delivery = await deliveries.open_delivery(
            session,
            settings=settings,
            application_id=event.application_id,
            applicant=event.applicant,
            bundle_code=None,
        )
        listed = "；".join(f"{c.field or c.material or c.item_code or '材料'}：{c.message}" for c in event.corrections)
        await deliveries.notify_step(
            session,
            settings=settings,
            delivery=delivery,
            step=f"correction:{event.event_id}",
            template_code="correction_requested",
            values={"补正内容": listed or "详见办件详情"},
        )

    async def on_completed(session: AsyncSession, event: ApplicationCompleted, ctx: MessageContext) -> None:
        """The one delivery: every result collected, licences stored, the applicant told."""
        await deliveries.complete(session, settings=settings, event=event)

    async def on_withdrawn(session: AsyncSession, event: ApplicationWithdrawn, ctx: MessageContext) -> None:
        """A withdrawn application delivers nothing."""
        await deliveries.cancel(session, settings=settings, application_id=event.application_id)

    return Consumer(
        name=CONSUMER_NAME,
        stream="APPLICATIONS",
        filter_subject="onevisit.application.>",
        ack_wait_seconds=settings.consumer_ack_wait_seconds,
        routes={
            ApplicationSubmitted.subject: Route(ApplicationSubmitted, on_submitted),
            TaskDispatched.subject: Route(TaskDispatched, on_task_dispatched),
            TaskDecided.subject: Route(TaskDecided, on_task_decided),
            ApplicationCorrectionRequested.subject: Route(ApplicationCorrectionRequested, on_correction_requested),
            ApplicationCompleted.subject: Route(ApplicationCompleted, on_completed),
            ApplicationWithdrawn.subject: Route(ApplicationWithdrawn, on_withdrawn),
            # Any other event (supplemented, later ones): nothing to tell; acknowledged, not dead-lettered.
            "onevisit.application.>": IGNORE,
        },
    )
