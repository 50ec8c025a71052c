"""The 12345 hotline and 好差评 through the service API, on a real database and bus."""

import uuid
from datetime import timedelta

from notify_svc.common.workdays import CHINA, add_working_days, reply_deadline
from notify_svc.tickets.service import escalate_overdue
from onevisit.db import utcnow
from onevisit.events import TaskDispatched
from tests.notify_svc.conftest import NotifyHarness, completed, submitted
from tests.support.infra import eventually

CONTACT = {"name": "李四", "phone": "13800138001"}


async def _file(notify: NotifyHarness, body: dict, **who) -> dict:
    response = await notify.client.post("/v1/tickets", json=body, headers=notify.headers(**who))
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_working_days_skip_holidays_and_count_adjusted_weekends() -> None:
    from datetime import date, datetime

    assert add_working_days(date(2025, 9, 30), 5) == (date(2025, 10, 14), False)
    # a Friday consultation is due on Monday at 18:00 Beijing time
    due, estimated = reply_deadline(datetime(2026, 3, 6, 10, 0, tzinfo=CHINA), 1)
    assert due.astimezone(CHINA).isoformat() == "2026-03-09T18:00:00+08:00" and not estimated
    # past the calendar's last known year the count is flagged as an estimate
    assert add_working_days(date(2026, 12, 30), 3) == (date(2027, 1, 4), True)


async def test_ticket_routed_by_keyword_replied_on_time_rated_and_counted(notify: NotifyHarness) -> None:
    ticket = await _file(
        notify, {"type": "consultation", "content": "孩子的出生医学证明在哪里补办？", "contact": CONTACT}
    )
    assert ticket["status"] == "assigned" and ticket["department"] == "health"
    assert [h["action"] for h in ticket["history"]] == ["received", "assigned"]
    assert ticket["history"][1]["detail"]["rule"] == "keyword"
    created = utcnow()
    assert created < ticket_due(ticket) <= created + timedelta(days=5)  # one working day for a consultation

    complaint = await _file(
        notify, {"type": "complaint", "content": "窗口办理营业执照态度差，排队两小时", "contact": CONTACT}
    )
    assert complaint["department"] == "market_regulation"
    days = (ticket_due(complaint).astimezone(CHINA).date() - created.astimezone(CHINA).date()).days
    assert days >= 5  # five working days for everything but consultations

    tid = ticket["id"]
    other_dept = notify.headers(subject="gov-ga", role="department", department="public_security")
    assert (
        await notify.client.post(f"/v1/tickets/{tid}/reply", json={"reply": "答复"}, headers=other_dept)
    ).status_code == 404
    dept = notify.headers(subject="clerk-wjw", role="department", department="health")
    listed = (await notify.client.get("/v1/tickets?status=assigned", headers=dept)).json()["items"]
    assert [t["id"] for t in listed] == [tid]
    replied = await notify.client.post(
        f"/v1/tickets/{tid}/reply", json={"reply": "请到市妇幼保健院补办。"}, headers=dept
    )
    assert replied.status_code == 200
    assert replied.json()["status"] == "replied" and replied.json()["replied_on_time"] is True
    again = await notify.client.post(f"/v1/tickets/{tid}/reply", json={"reply": "再答"}, headers=dept)
    assert again.status_code == 409

    inbox = (await notify.client.get("/v1/notifications", headers=notify.headers())).json()["items"]
    assert {i["step"] for i in inbox} >= {"received", "replied:0"}

    rating = await notify.client.post(
        f"/v1/tickets/{tid}/rating", json={"level": 5, "comment": "很快"}, headers=notify.headers()
    )
    assert rating.status_code == 201 and rating.json()["level_name"] == "非常满意"
    assert rating.json()["follow_up_status"] is None
    assert (await notify.client.get(f"/v1/tickets/{tid}", headers=notify.headers())).json()["status"] == "closed"
    twice = await notify.client.post(f"/v1/tickets/{tid}/rating", json={"level": 1}, headers=notify.headers())
    assert twice.status_code == 409 and twice.json()["code"] == "already_rated"

    ops = notify.headers(subject="ops-1", role="ops")
    stats = (await notify.client.get("/v1/admin/stats", headers=ops)).json()
    wjw = next(g for g in stats["by_department"] if g["key"] == "health")
    assert wjw["satisfaction_rate"] == 1.0 and wjw["on_time_reply_rate"] == 1.0
    assert stats["overall"]["ratings"] == 1
    assert (await notify.client.get("/v1/admin/stats", headers=notify.headers())).status_code == 403


def ticket_due(ticket: dict):
    from datetime import datetime

    return datetime.fromisoformat(ticket["due_at"])


async def test_duplicates_merge_send_back_reroute_reopen_and_escalation(notify: NotifyHarness) -> None:
    first = await _file(
        notify, {"type": "query", "content": "我的社保转移办到哪一步了？一直没有消息", "contact": CONTACT}
    )
    dup = await _file(
        notify, {"type": "query", "content": "我的社保转移办到哪一步了？怎么一直没有消息", "contact": CONTACT}
    )
    assert dup["id"] == first["id"] and dup["merged"] is True and dup["duplicates"] == 1
    unrelated = await _file(notify, {"type": "query", "content": "公积金提取需要什么材料", "contact": CONTACT})
    assert unrelated["id"] != first["id"]

    tid = first["id"]
    rsj = notify.headers(subject="clerk-rsj", role="department", department="hrss")
    back = await notify.client.post(f"/v1/tickets/{tid}/send-back", json={"reason": "应由医保局办理"}, headers=rsj)
    assert back.json()["status"] == "received" and back.json()["department"] == "12345"
    ops = notify.headers(subject="ops-1", role="ops")
    rerouted = await notify.client.post(
        f"/v1/tickets/{tid}/route",
        json={"department": "medical_insurance", "assisting": ["hrss"], "reason": "医保关系转移"},
        headers=ops,
    )
    body = rerouted.json()
    assert (body["status"], body["department"], body["assisting"]) == ("assigned", "medical_insurance", ["hrss"])
    assert [h["action"] for h in body["history"]][-2:] == ["sent_back", "rerouted"]
    # the assisting department sees the ticket but only the lead replies
    assert (await notify.client.get(f"/v1/tickets/{tid}", headers=rsj)).status_code == 200
    assert (
        await notify.client.post(f"/v1/tickets/{tid}/reply", json={"reply": "好的"}, headers=rsj)
    ).status_code == 403

    # overdue: escalated once, however many passes run
    async with notify.sessions() as session:
        later = utcnow() + timedelta(days=30)
        assert await escalate_overdue(session, settings=notify.settings, now=later) >= 1
        await session.commit()
    async with notify.sessions() as session:
        assert await escalate_overdue(session, settings=notify.settings, now=later) == 0
        await session.commit()
    escalated = (await notify.client.get(f"/v1/tickets/{tid}", headers=ops)).json()
    assert escalated["escalation_level"] == 1 and escalated["history"][-1]["action"] == "escalated"
    ybj = notify.headers(subject="clerk-ybj", role="department", department="medical_insurance")
    dept_inbox = (await notify.client.get("/v1/notifications", headers=ybj)).json()["items"]
    assert [i["step"] for i in dept_inbox] == ["overdue"]

    await notify.client.post(f"/v1/tickets/{tid}/reply", json={"reply": "已转移完成"}, headers=ybj)
    reopened = await notify.client.post(
        f"/v1/tickets/{tid}/reopen", json={"reason": "系统里仍未到账"}, headers=notify.headers()
    )
    assert reopened.json()["status"] == "assigned" and reopened.json()["reopened"] == 1
    assert reopened.json()["escalation_level"] == 0
    visit = await notify.client.post(f"/v1/tickets/{tid}/return-visit", json={"satisfied": True}, headers=ops)
    assert visit.status_code == 409  # not replied since the reopening


async def test_bad_application_rating_opens_a_follow_up_answered_and_rated_again(notify: NotifyHarness) -> None:
    app_id, t1 = uuid.uuid4(), uuid.uuid4()
    await notify.bus.publish_event(submitted(app_id))
    await notify.bus.publish_event(
        TaskDispatched(application_id=app_id, task_id=t1, item_code="I01", department_code="health")
    )
    url = f"/v1/applications/{app_id}/rating"

    async def known() -> bool:
        return (
            await notify.client.get(f"/v1/applications/{app_id}/delivery", headers=notify.headers())
        ).status_code == 200

    await eventually(known)
    early = await notify.client.post(url, json={"level": 2}, headers=notify.headers())
    assert early.status_code == 409 and early.json()["code"] == "not_yet_ratable"
    await notify.bus.publish_event(completed(app_id, [t1]))

    async def ready() -> bool:
        body = (await notify.client.get(f"/v1/applications/{app_id}/delivery", headers=notify.headers())).json()
        return body["status"] == "ready"

    await eventually(ready)
    bad = await notify.client.post(url, json={"level": 2, "comment": "取件排队太久"}, headers=notify.headers())
    assert bad.status_code == 201
    rating = bad.json()
    assert rating["follow_up_status"] == "open" and rating["departments"] == ["health"]
    assert rating["follow_up_due_at"] is not None

    wjw = notify.headers(subject="clerk-wjw", role="department", department="health")
    assert [r["id"] for r in (await notify.client.get("/v1/ratings?follow_up=open", headers=wjw)).json()["items"]] == [
        rating["id"]
    ]
    assert "follow_up" in [
        i["step"] for i in (await notify.client.get("/v1/notifications", headers=wjw)).json()["items"]
    ]
    premature = await notify.client.post(
        f"/v1/ratings/{rating['id']}/rerate", json={"level": 4}, headers=notify.headers()
    )
    assert premature.status_code == 409
    answered = await notify.client.post(
        f"/v1/ratings/{rating['id']}/follow-up", json={"answer": "已增加取件窗口"}, headers=wjw
    )
    assert answered.json()["follow_up_status"] == "answered"
    second = await notify.client.post(f"/v1/ratings/{rating['id']}/rerate", json={"level": 4}, headers=notify.headers())
    assert second.json()["second_level"] == 4 and second.json()["follow_up_status"] == "closed"
    assert (
        await notify.client.post(f"/v1/ratings/{rating['id']}/rerate", json={"level": 5}, headers=notify.headers())
    ).status_code == 409

    stats = (await notify.client.get("/v1/admin/stats", headers=notify.headers(subject="ops", role="ops"))).json()
    bundle = next(g for g in stats["by_bundle"] if g["key"] == "B01")
    assert bundle["bad_ratings"] == 1 and bundle["bad_rating_follow_up_rate"] == 1.0
    assert bundle["satisfaction_rate"] == 1.0  # the final (second) level counts
    assert stats["deliveries"] == {"completed": 1}
