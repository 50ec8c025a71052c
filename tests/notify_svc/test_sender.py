"""The sender's lifecycle (created → sending → final) with the test-mode numbers and the HTTP provider;
the outside SMS gateway is mocked with httpx.MockTransport (it is not part of OneVisit)."""

import json
import uuid

import httpx
from sqlalchemy import select

from notify_svc.notifications.models import Notification
from notify_svc.notifications.providers import (
    TEST_FAILS_ONCE,
    TEST_PERMANENT_FAILURE,
    TEST_TECHNICAL_FAILURE,
    TEST_TEMPORARY_FAILURE,
)
from tests.notify_svc.conftest import NotifyHarness, applicant, submitted
from tests.support.infra import eventually


async def _sms_when_final(notify: NotifyHarness, application_id: uuid.UUID) -> Notification | None:
    async with notify.sessions() as session:
        row = await session.scalar(
            select(Notification).where(Notification.application_id == application_id, Notification.channel == "sms")
        )
        return row if row is not None and row.completed_at is not None else None


async def test_test_mode_numbers_simulate_each_outcome(start_notify) -> None:
    async with start_notify(notification_max_attempts=3) as notify:
        ids = {
            phone: uuid.uuid4()
            for phone in (TEST_PERMANENT_FAILURE, TEST_TEMPORARY_FAILURE, TEST_TECHNICAL_FAILURE, TEST_FAILS_ONCE)
        }
        for phone, app_id in ids.items():
            await notify.bus.publish_event(submitted(app_id, applicant(subject=f"S{phone}", phone=phone)))
        rows = {}
        for phone, app_id in ids.items():
            rows[phone] = await eventually(lambda app_id=app_id: _sms_when_final(notify, app_id))

    assert (rows[TEST_PERMANENT_FAILURE].status, rows[TEST_PERMANENT_FAILURE].attempts) == ("permanent-failure", 1)
    assert (rows[TEST_TEMPORARY_FAILURE].status, rows[TEST_TEMPORARY_FAILURE].attempts) == ("temporary-failure", 1)
    # retried with backoff, then given up: never retried forever
    technical = rows[TEST_TECHNICAL_FAILURE]
    assert (technical.status, technical.attempts) == ("technical-failure", 3)
    assert "服务商故障" in technical.last_error
    recovered = rows[TEST_FAILS_ONCE]
    assert (recovered.status, recovered.attempts) == ("delivered", 2)


async def test_http_provider_posts_to_the_gateway_and_maps_its_answers(start_notify) -> None:
    calls: list[dict] = []
    flaky = {"13800000010": 0}

    def gateway(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        calls.append({"auth": request.headers.get("authorization"), **body})
        if body["to"] == "13800000011":
            return httpx.Response(422, json={"error": "invalid number"})
        if body["to"] == "13800000010" and flaky["13800000010"] == 0:
            flaky["13800000010"] += 1
            return httpx.Response(503)
        if body["to"] == "13800000012":
            return httpx.Response(200, json={"id": "gw-accepted", "status": "accepted"})
        return httpx.Response(200, json={"id": f"gw-{body['id']}", "status": "delivered"})

    phones = ("13800000010", "13800000011", "13800000012")
    async with start_notify(
        sms_provider="http",
        sms_http_url="https://sms.example.test/send",
        sms_http_token="secret-token",
        provider_transport=httpx.MockTransport(gateway),
    ) as notify:
        ids = {phone: uuid.uuid4() for phone in phones}
        for phone, app_id in ids.items():
            await notify.bus.publish_event(submitted(app_id, applicant(subject=f"S{phone}", phone=phone)))
        flaky_row = await eventually(lambda: _sms_when_final(notify, ids["13800000010"]))
        refused = await eventually(lambda: _sms_when_final(notify, ids["13800000011"]))

        async def accepted() -> Notification | None:
            async with notify.sessions() as session:
                row = await session.scalar(
                    select(Notification).where(
                        Notification.application_id == ids["13800000012"], Notification.channel == "sms"
                    )
                )
                return row if row is not None and row.provider is not None else None

        pending_receipt = await eventually(accepted)

    assert (flaky_row.status, flaky_row.attempts, flaky_row.provider) == ("delivered", 2, "http-sms")
    assert flaky_row.provider_reference == f"gw-{flaky_row.id}"
    assert (refused.status, refused.attempts) == ("permanent-failure", 1)
    assert (pending_receipt.status, pending_receipt.completed_at) == ("sending", None)
    assert pending_receipt.provider_reference == "gw-accepted"
    first = next(c for c in calls if c["to"] == "13800000012")
    assert first["auth"] == "Bearer secret-token"
    assert "已受理" in first["content"] and first["title"] == "办件已受理"
