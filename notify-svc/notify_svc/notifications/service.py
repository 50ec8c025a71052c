"""Recording notifications: render the template once, one row per channel, at most once per step."""

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.common.persistence import insert_once
from notify_svc.notifications.models import Notification
from notify_svc.notifications.templates import latest
from notify_svc.settings import Settings


async def record(
    session: AsyncSession,
    *,
    settings: Settings,
    reference: str,
    step: str,
    recipient_subject: str,
    phone: str | None,
    template_code: str,
    values: dict[str, Any],
    application_id: uuid.UUID | None = None,
    ticket_id: uuid.UUID | None = None,
) -> list[Notification]:
    """Queue the step's message on every configured channel; a step already recorded is left alone.

    The rows are written in the caller's transaction, so the event that caused them and the
    messages commit together; the sender picks them up afterwards.
    """
    template = latest(template_code)
    title, body = template.render(values)
    created = []
    for channel in settings.channels:
        if channel == "sms" and not phone:
            continue
        row = Notification(
            reference=reference,
            step=step,
            application_id=application_id,
            ticket_id=ticket_id,
            recipient_subject=recipient_subject,
            channel=channel,
            to=phone if channel == "sms" else recipient_subject,
            template_code=template.code,
            template_version=template.version,
            title=title,
            body=body,
        )
        if await insert_once(session, row):
            created.append(row)
    return created
