"""The pull API for a department clerk, results over HTTP, and results applied once whatever the path."""

import json
import uuid
from datetime import datetime
from urllib.parse import parse_qs, urlparse

from onevisit.bus import Bus
from onevisit.contracts import DepartmentResult, result_subject
from onevisit.settings import DEV_INTERNAL_SECRET
from onevisit.signing import verify_signed_path
from tests.dispatch_svc.conftest import Catalog, Dispatch, Recorder, publish, submitted
from tests.support.infra import eventually


async def _first_wave_sent(dispatch: Dispatch, application_id: uuid.UUID, item: str) -> None:
    async def sent() -> bool:
        tasks = await dispatch.tasks(application_id)
        return bool(tasks) and tasks[item].status == "dispatched"

    await eventually(sent)


async def test_a_clerk_sees_only_their_department_claims_and_decides_once(
    catalog: Catalog, dispatch: Dispatch, bus: Bus, recorder: Recorder, identity_header
) -> None:
    bundle = await catalog.bundle()
    event = submitted(bundle, items=["I01", "I03", "I06"])
    await publish(bus, event)
    await _first_wave_sent(dispatch, event.application_id, "I03")
    police = identity_header(subject="clerk-1", role="department", department="public_security")
    police_2 = identity_header(subject="clerk-2", role="department", department="public_security")
    tax = identity_header(subject="clerk-9", role="department", department="tax")
    citizen = identity_header()

    queue = (await dispatch.client.get("/v1/dept/tasks", params={"status": "dispatched"}, headers=police)).json()
    task_id = next(t["id"] for t in queue["items"] if t["application_id"] == str(event.application_id))
    assert (await dispatch.client.get("/v1/dept/tasks", headers=tax)).json()["items"] == []
    assert (await dispatch.client.get(f"/v1/dept/tasks/{task_id}", headers=tax)).status_code == 404
    assert (await dispatch.client.get("/v1/dept/tasks", headers=citizen)).status_code == 403

    task = (await dispatch.client.get(f"/v1/dept/tasks/{task_id}", headers=police)).json()
    item = next(i for i in bundle["items"] if i["code"] == "I03")
    # Data minimisation: the item's fields only (plus what I01's result supplies), its materials only.
    assert set(task["form_data"]) <= set(item["fields"]) | {"child.medical_cert_no"}
    assert task["form_data"]["child.medical_cert_no"] == task["upstream_results"]["I01"]["medical_cert_no"]
    assert {m["material_code"] for m in task["materials"]} <= set(item["materials"])
    assert task["materials"], "I03's materials are on file, so links are given"
    link = urlparse(task["materials"][0]["url"])
    assert link.path.startswith("/v1/materials/") and {"expires", "sig"} <= set(parse_qs(link.query))
    # Signed as intake checks it (onevisit.signing), until the moment the task states.
    query = {name: values[0] for name, values in parse_qs(link.query).items()}
    assert verify_signed_path(link.path, expires=query["expires"], sig=query["sig"], secret=DEV_INTERNAL_SECRET)
    stated = datetime.fromisoformat(task["materials"][0]["expires_at"])
    assert int(stated.timestamp()) == int(query["expires"])
    assert task["deadline"] is not None and task["outputs_expected"] == ["child_id_number"]

    claimed = await dispatch.client.post(f"/v1/dept/tasks/{task_id}/claim", headers=police)
    assert claimed.status_code == 200 and claimed.json()["claimed_by"] == "clerk-1"
    other = await dispatch.client.post(f"/v1/dept/tasks/{task_id}/claim", headers=police_2)
    assert other.status_code == 409 and other.json()["code"] == "task_claimed"

    bad = await dispatch.client.post(f"/v1/dept/tasks/{task_id}/result", json={"decision": "rejected"}, headers=police)
    assert bad.status_code == 422
    decision = {"decision": "approved", "reason": "符合条件", "outputs": {"child_id_number": "110105202611010012"}}
    first = await dispatch.client.post(f"/v1/dept/tasks/{task_id}/result", json=decision, headers=police)
    assert first.status_code == 200 and first.json() == {"task_id": task_id, "status": "approved", "applied": True}
    again = await dispatch.client.post(
        f"/v1/dept/tasks/{task_id}/result", json={**decision, "outputs": {"child_id_number": "X"}}, headers=police
    )
    assert again.json()["applied"] is False

    # The same decision arriving over NATS as well is ignored, never applied twice.
    late = DepartmentResult(task_id=uuid.UUID(task_id), decision="rejected", reason="迟到的结果")
    await bus.publish_json(result_subject("public_security"), late.model_dump(mode="json"), msg_id="late-1")

    async def i06_sent() -> bool:
        return (await dispatch.tasks(event.application_id))["I06"].status == "dispatched"

    await eventually(i06_sent)
    tasks = await dispatch.tasks(event.application_id)
    assert tasks["I03"].status == "approved" and tasks["I03"].outputs == decision["outputs"]
    assert tasks["I06"].upstream_results == {"I03": decision["outputs"]}

    async def one_decision_for_i03() -> bool:
        # The late NATS result has been consumed (and ignored) once the outbox has nothing new.
        decided = [
            d for d in recorder.of("onevisit.application.task_decided", event.application_id) if d["item_code"] == "I03"
        ]
        return len(decided) == 1

    await eventually(one_decision_for_i03)


async def test_results_for_unknown_tasks_or_from_the_wrong_department_are_dead_lettered(
    catalog: Catalog, dispatch: Dispatch, bus: Bus, identity_header
) -> None:
    bundle = await catalog.bundle()
    event = submitted(bundle, items=["I01", "I03"])
    await publish(bus, event)
    await _first_wave_sent(dispatch, event.application_id, "I03")
    task = (await dispatch.tasks(event.application_id))["I03"]
    forged = DepartmentResult(task_id=task.id, decision="approved")
    await bus.publish_json(result_subject("tax"), forged.model_dump(mode="json"), msg_id="forged")
    unknown = DepartmentResult(task_id=uuid.uuid4(), decision="approved")
    await bus.publish_json(result_subject("tax"), json.loads(unknown.model_dump_json()), msg_id="unknown")
    ops = identity_header(subject="ops-1", role="ops")

    async def dead_letters() -> list:
        body = (await dispatch.client.get("/v1/admin/dead-letters", headers=ops)).json()
        return body["items"] if len(body["items"]) == 2 else []

    letters = await eventually(dead_letters)
    assert {letter["message_key"] for letter in letters} == {"forged", "unknown"}
    assert (await dispatch.tasks(event.application_id))["I03"].status == "dispatched"


async def test_a_webhook_url_too_long_once_normalised_is_a_422_not_a_500(dispatch: Dispatch, identity_header) -> None:
    """Found by schemathesis on PostgreSQL: 1000 typed characters become 1001 stored (the trailing '/')."""
    police = identity_header(subject="clerk-1", role="department", department="public_security")
    host = ".".join(["a" * 63] * 15) + "." + "b" * 32
    typed = f"https://{host}"
    assert len(typed) == 1000
    refused = await dispatch.client.put("/v1/dept/webhook", json={"url": typed, "secret": "s" * 32}, headers=police)
    assert refused.status_code == 422, refused.text
    assert "地址过长" in json.dumps(refused.json(), ensure_ascii=False)
    accepted = await dispatch.client.put(
        "/v1/dept/webhook", json={"url": "https://dept.example.gov.cn/tasks", "secret": "s" * 32}, headers=police
    )
    assert accepted.status_code == 200, accepted.text
