"""Dispatch's time-limit warnings on the real bus: the department is reminded, the applicant is told
of an overdue item, each level once per task."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from notify_svc.notifications.models import Notification
from onevisit.events import TaskDeadlineWarning
from tests.notify_svc.conftest import NotifyHarness, consumer_settled, submitted
from tests.support.infra import eventually


def warning(application_id: uuid.UUID, task_id: uuid.UUID, level: str) -> TaskDeadlineWarning:
    return TaskDeadlineWarning(
        application_id=application_id,
        task_id=task_id,
        item_code="I03",
        department_code="public_security",
        level=level,  # type: ignore[arg-type]
        promised_deadline=datetime(2026, 12, 4, 15, 59, 59, tzinfo=UTC),
        share_used=0.8 if level == "yellow" else 1.1,
    )


async def _inbox(notify: NotifyHarness, application_id: uuid.UUID) -> list[tuple[str, str]]:
    async with notify.sessions() as session:
        rows = await session.scalars(
            select(Notification).where(Notification.application_id == application_id, Notification.channel == "inbox")
        )
        return sorted((row.recipient_subject, row.step) for row in rows)


async def test_yellow_reminds_the_department_and_red_tells_the_applicant_once(notify: NotifyHarness) -> None:
    app_id, task_id = uuid.uuid4(), uuid.uuid4()
    await notify.bus.publish_event(submitted(app_id))
    await notify.bus.publish_event(warning(app_id, task_id, "yellow"))
    await notify.bus.publish_event(warning(app_id, task_id, "red"))
    # a second replica's scanner, or a redelivery with a new event id, tells nobody twice
    await notify.bus.publish_event(warning(app_id, task_id, "red"))

    applicant = submitted(app_id).applicant.subject
    expected = [
        (applicant, "submitted"),
        (applicant, f"warning:{task_id}:red"),
        ("dept:public_security", f"warning:{task_id}:red"),
        ("dept:public_security", f"warning:{task_id}:yellow"),
    ]
    await eventually(lambda: consumer_settled(notify, "notify-warnings", at_least=3))
    assert await _inbox(notify, app_id) == expected

    inbox = (await notify.client.get("/v1/notifications", headers=notify.headers())).json()["items"]
    overdue = next(item for item in inbox if item["step"] == f"warning:{task_id}:red")
    assert "超过承诺时限" in overdue["body"] and "2026-12-04" in overdue["body"]
