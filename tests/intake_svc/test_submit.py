"""One feedback and one submission: every problem at once; submit stores the snapshot and the
event in one transaction; the same Idempotency-Key gives the same answer."""

import json

from sqlalchemy import select

from intake_svc.applications.models import Application
from onevisit.bus import Bus
from onevisit.outbox import OutboxMessage
from tests.intake_svc.conftest import CITIZEN, Intake
from tests.support.infra import eventually

COMPLETE_B01 = {
    "child": {
        "name": "张小明",
        "gender": "男",
        "birth_date": "2025-03-01",
        "birth_place": "市妇幼保健院",
        "ethnicity": "汉族",
    },
    "mother": {"name": "张三", "id_number": CITIZEN},
    "father": {"name": "李四", "id_number": "360426199101010071"},
    "household": {"side": "随母"},
    "applicant": {"relationship": "母亲"},
}


async def ready_draft(intake: Intake) -> dict:
    draft = await intake.draft()
    response = await intake.client.patch(
        f"/v1/applications/{draft['id']}", json={"form_data": COMPLETE_B01}, headers=intake.as_()
    )
    assert response.status_code == 200, response.text
    assert (await intake.upload(draft["id"], "BIRTH_CERT_FORM")).status_code == 201
    return response.json()


async def test_validate_lists_every_problem_at_once(intake: Intake) -> None:
    draft = await intake.draft()
    await intake.client.patch(
        f"/v1/applications/{draft['id']}",
        json={
            "form_data": {
                "mother": {"name": "张三", "id_number": "110105194912310021"},  # bad check digit
                "father": {"name": "李四", "id_number": "110105194902300020"},  # 30 February
                "child": {"gender": "未知", "birth_date": "2025-13-01"},
                "applicant": {"phone": "12345"},
                "household": {"region_code": "990000"},
            }
        },
        headers=intake.as_(),
    )
    response = await intake.client.post(f"/v1/applications/{draft['id']}/validate", headers=intake.as_())
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problems = {(p["code"], p.get("field") or p.get("material")) for p in response.json()["problems"]}
    assert {
        ("field.invalid_resident_id", "mother.id_number"),
        ("field.invalid_resident_id", "father.id_number"),
        ("field.invalid_choice", "child.gender"),
        ("field.invalid_date", "child.birth_date"),
        ("field.invalid_phone", "applicant.phone"),
        ("field.invalid_region_code", "household.region_code"),
        ("field.required", "child.name"),
        ("field.required", "applicant.relationship"),
        ("material.missing", "BIRTH_CERT_FORM"),
    } <= problems
    # Fields produced by an earlier item (出生医学证明编号, the child's ID number) are never asked.
    assert not {f for _, f in problems} & {"child.medical_cert_no", "child.id_number"}
    assert all(p["message"] for p in response.json()["problems"])


async def test_submit_stores_snapshot_and_event_once_and_publishes_it(intake: Intake, bus: Bus) -> None:
    draft = await ready_draft(intake)
    assert (await intake.client.post(f"/v1/applications/{draft['id']}/validate", headers=intake.as_())).json()[
        "problems"
    ] == []
    headers = {**intake.as_(), "Idempotency-Key": "submit-1", "traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01"}
    first = await intake.client.post(f"/v1/applications/{draft['id']}/submit", headers=headers)
    assert first.status_code == 202, first.text
    assert first.json()["status"] == "submitted"
    again = await intake.client.post(f"/v1/applications/{draft['id']}/submit", headers=headers)
    assert again.status_code == 202 and again.json() == first.json()
    other_key = await intake.client.post(
        f"/v1/applications/{draft['id']}/submit", headers={**intake.as_(), "Idempotency-Key": "submit-2"}
    )
    assert other_key.status_code == 409

    sessions = intake.app.state.runtime.session_factory
    async with sessions() as session:
        application = await session.get(Application, __import__("uuid").UUID(draft["id"]))
        assert application.snapshot["form_data"]["child"]["name"] == "张小明"
        assert application.snapshot["catalog_version"] == draft["catalog_version"]
        assert application.snapshot["prefill_sources"]["applicant.id_number"]["authoritative"] is True
        rows = (await session.scalars(select(OutboxMessage))).all()
    assert [r.subject for r in rows] == ["onevisit.application.submitted"]

    async def published() -> list:
        return [r for r in await _outbox(intake) if r.sent_at is not None]

    await eventually(published)
    subscription = await bus.js.subscribe(bus.subject("onevisit.application.submitted"), ordered_consumer=True)
    message = await subscription.next_msg(timeout=5)
    event = json.loads(message.data)
    assert event["application_id"] == draft["id"]
    assert event["items"] == ["I01", "I02", "I03", "I04", "I05", "I06", "I08", "I09"]
    assert event["applicant"]["subject"] == CITIZEN
    files = [m for m in event["materials"] if m.get("id")]
    assert [m["material_code"] for m in files] == ["BIRTH_CERT_FORM"]
    assert {m["material_code"] for m in event["materials"] if m.get("source") == "shared"} >= {"ID_CARD", "HUKOU"}
    assert files[0]["content_type"] == "application/pdf"
    assert event["trace"].startswith("00-aaaa")
    assert message.headers["traceparent"] == headers["traceparent"]
    await subscription.unsubscribe()


async def _outbox(intake: Intake) -> list[OutboxMessage]:
    async with intake.app.state.runtime.session_factory() as session:
        return list((await session.scalars(select(OutboxMessage))).all())


async def test_submit_with_problems_is_422_and_stores_nothing(intake: Intake) -> None:
    draft = await intake.draft()
    response = await intake.client.post(
        f"/v1/applications/{draft['id']}/submit", headers={**intake.as_(), "Idempotency-Key": "k"}
    )
    assert response.status_code == 422
    assert {p["code"] for p in response.json()["problems"]} >= {"field.required", "material.missing"}
    assert await _outbox(intake) == []
    current = (await intake.client.get(f"/v1/applications/{draft['id']}", headers=intake.as_())).json()
    assert current["status"] == "draft"


async def test_a_submitted_application_cannot_be_edited(intake: Intake) -> None:
    draft = await ready_draft(intake)
    assert (await intake.client.post(f"/v1/applications/{draft['id']}/submit", headers=intake.as_())).status_code == 202
    response = await intake.client.patch(
        f"/v1/applications/{draft['id']}", json={"form_data": {"child": {"name": "改名"}}}, headers=intake.as_()
    )
    assert response.status_code == 409
    assert response.json()["code"] == "application_not_draft"
