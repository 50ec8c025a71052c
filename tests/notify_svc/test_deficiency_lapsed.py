"""容缺 follow-up from dispatch on the real bus: the applicant is reminded of a material due soon and
told when its deadline passed, once per material however many items need it; each department
holding a task that needs it is told of the lapse, once per task."""

import uuid
from datetime import datetime

from sqlalchemy import select

from notify_svc.notifications.models import Notification
from onevisit.calendar import CHINA_TZ
from onevisit.events import DeficiencyNotice, DeficiencyTask
from tests.notify_svc.conftest import NotifyHarness, consumer_settled, submitted
from tests.support.infra import eventually


def notice(application_id: uuid.UUID, kind: str, tasks: list[DeficiencyTask]) -> DeficiencyNotice:
    return DeficiencyNotice(
        application_id=application_id,
        kind=kind,  # type: ignore[arg-type]
        material_code="BANK_ACCT",
        material_name="银行账户",
        supplement_by=datetime(2026, 12, 4, 23, 59, 59, tzinfo=CHINA_TZ),
        tasks=tasks,
    )


async def test_the_applicant_is_reminded_and_told_of_the_lapse_and_so_is_each_department_once(
    notify: NotifyHarness,
) -> None:
    app_id = uuid.uuid4()
    insurance = DeficiencyTask(task_id=uuid.uuid4(), item_code="I07", item_name="生育津贴申领", department_code="YB")
    social = DeficiencyTask(task_id=uuid.uuid4(), item_code="I09", department_code="RS")
    await notify.bus.publish_event(submitted(app_id))
    await notify.bus.publish_event(notice(app_id, "reminder", [insurance, social]))
    await notify.bus.publish_event(notice(app_id, "lapsed", [insurance, social]))
    # a second replica's scanner, or a redelivery with a new event id, tells nobody twice
    await notify.bus.publish_event(notice(app_id, "lapsed", [insurance, social]))

    applicant = submitted(app_id).applicant.subject
    await eventually(lambda: consumer_settled(notify, "notify-deficiencies", at_least=3))
    assert await _inbox(notify, app_id) == [
        (applicant, "deficiency:BANK_ACCT:lapsed"),
        (applicant, "deficiency:BANK_ACCT:reminder"),
        (applicant, "submitted"),
        ("dept:RS", f"deficiency:{social.task_id}:BANK_ACCT:lapsed"),
        ("dept:YB", f"deficiency:{insurance.task_id}:BANK_ACCT:lapsed"),
    ]

    mine = (await notify.client.get("/v1/notifications", headers=notify.headers())).json()["items"]
    reminder = next(item for item in mine if item["step"] == "deficiency:BANK_ACCT:reminder")
    assert "银行账户" in reminder["body"] and "2026-12-04" in reminder["body"]
    lapsed = next(item for item in mine if item["step"] == "deficiency:BANK_ACCT:lapsed")
    assert "已超过补交期限2026-12-04" in lapsed["body"]

    clerk = notify.headers(subject="clerk-yb", role="department", department="YB")
    theirs = (await notify.client.get("/v1/notifications", headers=clerk)).json()["items"]
    [told] = theirs
    assert "生育津贴申领" in told["body"] and "银行账户" in told["body"]
    assert "容缺材料逾期未补正" in told["body"] and "办理时限已恢复计算" in told["body"]


async def _inbox(notify: NotifyHarness, application_id: uuid.UUID) -> list[tuple[str, str]]:
    async with notify.sessions() as session:
        rows = await session.scalars(
            select(Notification).where(Notification.application_id == application_id, Notification.channel == "inbox")
        )
        return sorted((row.recipient_subject, row.step) for row in rows)
