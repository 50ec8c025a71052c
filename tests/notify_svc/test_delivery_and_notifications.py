"""The application's progress on the real bus becomes one delivery, licences and one message per step."""

import uuid

from sqlalchemy import func, select

from notify_svc.deliveries.models import Delivery
from notify_svc.licences.service import holder_hash
from notify_svc.notifications.models import Notification
from onevisit.consumer import DeadLetter
from onevisit.migrations import migration_heads
from tests.notify_svc.conftest import CITIZEN, NotifyHarness, applicant, completed, decided, submitted
from tests.support.infra import eventually


async def _steps(notify: NotifyHarness, application_id: uuid.UUID, channel: str = "inbox") -> list[str]:
    async with notify.sessions() as session:
        rows = await session.scalars(
            select(Notification.step).where(
                Notification.application_id == application_id, Notification.channel == channel
            )
        )
        return sorted(rows)


async def _all_delivered(notify: NotifyHarness, application_id: uuid.UUID, expected: int) -> bool:
    async with notify.sessions() as session:
        rows = (await session.scalars(select(Notification).where(Notification.application_id == application_id))).all()
        return len(rows) == expected and all(row.status == "delivered" for row in rows)


def test_one_migration_head() -> None:
    assert migration_heads("notify_svc") == ("notify_0004",)


async def test_submission_opens_one_pending_delivery_and_tells_the_applicant(notify: NotifyHarness) -> None:
    app_id = uuid.uuid4()
    await notify.bus.publish_event(submitted(app_id))

    async def delivery() -> dict | None:
        response = await notify.client.get(f"/v1/applications/{app_id}/delivery", headers=notify.headers())
        return response.json() if response.status_code == 200 else None

    body = await eventually(delivery)
    assert body["method"] == "window"
    assert body["status"] == "pending"
    assert body["pickup_code"] is None
    # inbox and SMS, each handed to its provider and delivered
    await eventually(lambda: _all_delivered(notify, app_id, 2))
    inbox = (await notify.client.get("/v1/notifications", headers=notify.headers())).json()
    assert [item["step"] for item in inbox["items"]] == ["submitted"]
    assert "已受理" in inbox["items"][0]["body"] and "张三" in inbox["items"][0]["body"]
    assert inbox["items"][0]["template_version"] == 1
    # someone else sees neither the delivery nor the messages
    other = notify.headers(subject="440524188001010014")
    assert (await notify.client.get(f"/v1/applications/{app_id}/delivery", headers=other)).status_code == 403
    assert (await notify.client.get("/v1/notifications", headers=other)).json()["items"] == []


async def test_completion_collects_every_result_once_whatever_the_redeliveries(notify: NotifyHarness) -> None:
    app_id, t1, t2 = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    events = [submitted(app_id), decided(app_id, t1), decided(app_id, t2, "I02"), completed(app_id, [t1, t2])]
    for event in events:
        await notify.bus.publish_event(event)
    # The same events again under new message ids: what a producer re-publishing after a crash does.
    for event in events:
        await notify.bus.publish_raw(event.subject, event.model_dump_json().encode(), msg_id=f"again-{uuid.uuid4()}")

    expected = sorted(
        ["submitted", f"decided:{t1}:approved", f"decided:{t2}:approved", "completed", "ready_for_pickup"]
    )

    async def all_steps() -> bool:
        return await _steps(notify, app_id) == expected and await _steps(notify, app_id, "sms") == expected

    await eventually(all_steps)
    await eventually(lambda: _all_delivered(notify, app_id, 2 * len(expected)))
    async with notify.sessions() as session:
        count = await session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.application_id == app_id)
        )
        assert count == 1

    body = (await notify.client.get(f"/v1/applications/{app_id}/delivery", headers=notify.headers())).json()
    assert body["status"] == "ready"
    assert body["outcome"] == "completed"
    assert len(body["pickup_code"]) == 6 and body["hall"]
    assert [r["item_code"] for r in body["results"]] == ["I01", "I02"]
    assert [lic["number"] for lic in body["licences"]] == [f"Q44{t1.hex[:8]}"]
    inbox = (await notify.client.get("/v1/notifications", headers=notify.headers())).json()["items"]
    pickup = next(item for item in inbox if item["step"] == "ready_for_pickup")
    assert body["pickup_code"] in pickup["body"]

    licences = (await notify.client.get("/v1/licences", headers=notify.headers())).json()["items"]
    assert len(licences) == 1
    licence = licences[0]
    assert licence["type_name"] == "出生医学证明"
    assert licence["holder_code"] == CITIZEN and licence["holder_code_type"] == "居民身份证"
    assert licence["issuer_code"] == "12440000MB2D12345X"
    assert licence["identifier"].startswith("1.2.156.3005.2.11100000000013338W001.12440000MB2D12345X.")
    assert licence["application_id"] == str(app_id)


async def test_applicant_changes_the_method_until_delivered(notify: NotifyHarness) -> None:
    app_id, t1 = uuid.uuid4(), uuid.uuid4()
    await notify.bus.publish_event(submitted(app_id))
    url = f"/v1/applications/{app_id}/delivery"

    async def known() -> bool:
        return (await notify.client.get(url, headers=notify.headers())).status_code == 200

    await eventually(known)
    other = notify.headers(subject="440524188001010014")
    assert (await notify.client.put(url, json={"method": "electronic"}, headers=other)).status_code == 403
    missing = await notify.client.put(url, json={"method": "express"}, headers=notify.headers())
    assert missing.status_code == 422
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert missing.json()["problems"][0]["field"] == "address"
    address = {"recipient": "张三", "phone": "13800138000", "detail": "广州市天河区天河路1号"}
    express = await notify.client.put(url, json={"method": "express", "address": address}, headers=notify.headers())
    assert express.status_code == 200 and express.json()["address"]["detail"] == "广州市天河区天河路1号"
    chosen = await notify.client.put(url, json={"method": "electronic"}, headers=notify.headers())
    assert chosen.json()["method"] == "electronic" and chosen.json()["address"] is None

    await notify.bus.publish_event(completed(app_id, [t1]))

    async def delivered() -> dict | None:
        body = (await notify.client.get(url, headers=notify.headers())).json()
        return body if body["status"] == "delivered" else None

    body = await eventually(delivered)
    assert body["pickup_code"] is None and len(body["licences"]) == 1
    assert "delivered_electronically" in await _steps(notify, app_id)
    late = await notify.client.put(url, json={"method": "window"}, headers=notify.headers())
    assert late.status_code == 409 and late.json()["code"] == "delivery_already_dispatched"


async def test_decision_before_its_submission_waits_for_it(notify: NotifyHarness) -> None:
    app_id, t1 = uuid.uuid4(), uuid.uuid4()
    await notify.bus.publish_event(decided(app_id, t1))
    await notify.bus.publish_event(submitted(app_id))

    async def both() -> bool:
        return await _steps(notify, app_id) == sorted(["submitted", f"decided:{t1}:approved"])

    await eventually(both, timeout=15)
    async with notify.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(DeadLetter)) == 0


async def test_no_phone_means_inbox_only_and_rejections_say_why(notify: NotifyHarness) -> None:
    app_id, t1 = uuid.uuid4(), uuid.uuid4()
    who = applicant(phone=None)
    await notify.bus.publish_event(submitted(app_id, who))
    await notify.bus.publish_event(decided(app_id, t1, status="rejected"))
    await notify.bus.publish_event(decided(app_id, uuid.uuid4(), status="needs_correction"))

    async def two() -> bool:
        return await _steps(notify, app_id) == sorted(["submitted", f"decided:{t1}:rejected"])

    await eventually(two)
    assert await _steps(notify, app_id, "sms") == []
    inbox = (await notify.client.get("/v1/notifications", headers=notify.headers())).json()["items"]
    assert "不符合条件" in next(i["body"] for i in inbox if i["step"].startswith("decided"))


async def test_verify_a_licence_by_number_and_holder_hash(notify: NotifyHarness) -> None:
    app_id, t1 = uuid.uuid4(), uuid.uuid4()
    await notify.bus.publish_event(completed(app_id, [t1]))
    number = f"Q44{t1.hex[:8]}"
    system = notify.headers(subject="gov-system-1", role="system")
    url = f"/v1/licences/{number}/verify"

    async def verified() -> dict | None:
        body = (await notify.client.get(url, params={"holder": holder_hash(CITIZEN)}, headers=system)).json()
        return body if body["valid"] else None

    body = await eventually(verified)
    assert body["type_name"] == "出生医学证明"
    wrong = await notify.client.get(url, params={"holder": holder_hash("440524188001010014")}, headers=system)
    assert wrong.json() == {
        "number": number,
        "valid": False,
        "reason": "holder_mismatch",
        "type_name": None,
        "issuer_name": None,
        "issue_date": None,
        "valid_until": None,
    }
    unknown = await notify.client.get(
        "/v1/licences/NOPE/verify", params={"holder": holder_hash(CITIZEN)}, headers=system
    )
    assert unknown.json()["reason"] == "not_found"
    department = notify.headers(subject="clerk-ga", role="department", department="public_security")
    by_department = await notify.client.get(url, params={"holder": holder_hash(CITIZEN)}, headers=department)
    assert by_department.status_code == 200 and by_department.json()["valid"] is True
    citizen = await notify.client.get(url, params={"holder": holder_hash(CITIZEN)}, headers=notify.headers())
    assert citizen.status_code == 403
