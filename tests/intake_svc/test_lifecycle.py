"""After submit: signed downloads for departments, supplements answering a correction request or
a deficiency once, withdrawal; each publishes its event through the outbox."""

import json
import uuid

from onevisit.bus import Bus
from onevisit.events import Applicant, ApplicationCorrectionRequested, Correction
from onevisit.settings import DEV_INTERNAL_SECRET
from onevisit.signing import sign_path
from tests.intake_svc.conftest import CITIZEN, PDF, Intake
from tests.intake_svc.test_progress import submitted, until
from tests.intake_svc.test_submit import ready_draft


async def next_event(bus: Bus, subject: str) -> dict:
    subscription = await bus.js.subscribe(bus.subject(subject), ordered_consumer=True)
    try:
        return json.loads((await subscription.next_msg(timeout=10)).data)
    finally:
        await subscription.unsubscribe()


async def test_signed_link_downloads_the_file_and_a_bad_or_expired_one_does_not(intake: Intake) -> None:
    draft = await intake.draft()
    material = (await intake.upload(draft["id"], "BIRTH_CERT_FORM")).json()
    path = f"/v1/materials/{material['id']}/content"
    response = await intake.client.get(sign_path(path, secret=DEV_INTERNAL_SECRET))
    assert response.status_code == 200
    assert response.content == PDF and response.headers["content-type"] == "application/pdf"
    assert (await intake.client.get(sign_path(path, secret="another-secret"))).status_code == 403
    expired = sign_path(path, secret=DEV_INTERNAL_SECRET, ttl_seconds=-1)
    assert (await intake.client.get(expired)).status_code == 403
    other = f"/v1/materials/{uuid.uuid4()}/content"
    assert (await intake.client.get(sign_path(other, secret=DEV_INTERNAL_SECRET))).status_code == 404
    assert (await intake.client.get(path)).status_code == 422  # no signature at all


async def test_supplement_answers_every_correction_once(intake: Intake, bus: Bus) -> None:
    app_id = await submitted(intake)
    await bus.publish_event(
        ApplicationCorrectionRequested(
            application_id=uuid.UUID(app_id),
            applicant=Applicant(subject=CITIZEN),
            corrections=[
                Correction(item_code="I03", field="child.name", message="姓名与出生医学证明不一致"),
                Correction(item_code="I01", material="BIRTH_CERT_FORM", message="登记表缺少父母签名"),
            ],
        )
    )
    await until(intake, app_id, lambda a: a["status"] == "correction_requested")
    url = f"/v1/applications/{app_id}/supplement"
    partial = await intake.client.post(url, json={"form_data": {"child": {"name": "张晓明"}}}, headers=intake.as_())
    assert partial.status_code == 422
    assert [(p["code"], p.get("material")) for p in partial.json()["problems"]] == [
        ("correction.material_missing", "BIRTH_CERT_FORM")
    ]
    signed_form = (await intake.upload(app_id, "BIRTH_CERT_FORM", PDF + b"signed")).json()
    response = await intake.client.post(
        url, json={"form_data": {"child": {"name": "张晓明"}}, "materials": [signed_form["id"]]}, headers=intake.as_()
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "in_progress" and body["form_data"]["child"]["name"] == "张晓明"
    # The corrected file replaces the first one.
    form = next(m for m in body["materials"] if m["code"] == "BIRTH_CERT_FORM")
    assert form["files"] == [signed_form["id"]]
    event = await next_event(bus, "onevisit.application.supplemented")
    assert event["application_id"] == app_id
    assert event["form_data"] == {"child": {"name": "张晓明"}}
    assert [m["id"] for m in event["materials"]] == [signed_form["id"]]
    again = await intake.client.post(url, json={"form_data": {"child": {"name": "张三明"}}}, headers=intake.as_())
    assert again.status_code == 409 and again.json()["code"] == "no_open_correction"
    # The snapshot of the submission is not rewritten by the supplement.
    timeline = (await intake.client.get(f"/v1/applications/{app_id}/timeline", headers=intake.as_())).json()
    assert [e["event"] for e in timeline["items"]][-2:] == [
        "application.correction_requested",
        "application.supplemented",
    ]


async def test_deficiency_is_supplied_later_once(intake: Intake, bus: Bus) -> None:
    draft = await intake.draft({"bundle_code": "T01"})
    await intake.client.patch(
        f"/v1/applications/{draft['id']}",
        json={"form_data": {"child": {"birth_date": "2025-03-01", "gender": "女"}}},
        headers=intake.as_(),
    )
    await intake.upload(draft["id"], "BIRTH_CERT_FORM")
    await intake.client.post(
        f"/v1/applications/{draft['id']}/commitments",
        json={"material_code": "DNA_REPORT", "text": "本人承诺所述属实。"},
        headers=intake.as_(),
    )
    submit = await intake.client.post(f"/v1/applications/{draft['id']}/submit", headers=intake.as_())
    assert submit.status_code == 202
    # Dispatch learns of the deficiency with the submission: which items need it, and by when.
    submitted_event = await next_event(bus, "onevisit.application.submitted")
    [deficiency] = submitted_event["deficiencies"]
    assert deficiency["material_code"] == "NONMARITAL_STMT" and deficiency["items"] == ["TA"]
    assert deficiency["supplement_by"] == submit.json()["deficiencies"][0]["supplement_by"]
    assert "NONMARITAL_STMT" not in {m["material_code"] for m in submitted_event["materials"]}
    statement = (await intake.upload(draft["id"], "NONMARITAL_STMT")).json()
    response = await intake.client.post(
        f"/v1/applications/{draft['id']}/supplement", json={"materials": [statement["id"]]}, headers=intake.as_()
    )
    assert response.status_code == 200, response.text
    assert response.json()["deficiencies"][0]["supplied"] is True
    assert response.json()["status"] == "submitted"
    event = await next_event(bus, "onevisit.application.supplemented")
    assert event["materials"][0]["material_code"] == "NONMARITAL_STMT"
    again = await intake.client.post(
        f"/v1/applications/{draft['id']}/supplement", json={"materials": [statement["id"]]}, headers=intake.as_()
    )
    assert again.status_code == 409
    late = await intake.upload(draft["id"], "NONMARITAL_STMT")
    assert late.status_code == 409 and late.json()["code"] == "materials_closed"


async def test_withdraw_before_completion_tells_departments_once(intake: Intake, bus: Bus) -> None:
    draft = await intake.draft()
    response = await intake.client.post(f"/v1/applications/{draft['id']}/withdraw", headers=intake.as_())
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"

    app_id = (await ready_draft(intake))["id"]
    assert (await intake.client.post(f"/v1/applications/{app_id}/submit", headers=intake.as_())).status_code == 202
    response = await intake.client.post(
        f"/v1/applications/{app_id}/withdraw", json={"reason": "不再需要办理"}, headers=intake.as_()
    )
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    event = await next_event(bus, "onevisit.application.withdrawn")
    assert event["application_id"] == app_id and event["reason"] == "不再需要办理"
    again = await intake.client.post(f"/v1/applications/{app_id}/withdraw", headers=intake.as_())
    assert again.status_code == 409 and again.json()["code"] == "application_not_withdrawable"
