"""The intake-progress consumer: dispatch's events (over real NATS) move the application's
status, keep each task's status and result, and fill the timeline; late or repeated events
never move it backwards."""

import uuid
from datetime import timedelta

from onevisit.bus import Bus
from onevisit.db import utcnow
from onevisit.events import (
    Applicant,
    ApplicationCompleted,
    ApplicationCorrectionRequested,
    Correction,
    TaskDecided,
    TaskDispatched,
    TaskResultSummary,
)
from tests.intake_svc.conftest import CITIZEN, Intake
from tests.intake_svc.test_submit import ready_draft
from tests.support.infra import eventually


async def submitted(intake: Intake) -> str:
    draft = await ready_draft(intake)
    response = await intake.client.post(f"/v1/applications/{draft['id']}/submit", headers=intake.as_())
    assert response.status_code == 202
    return draft["id"]


async def application(intake: Intake, application_id: str) -> dict:
    return (await intake.client.get(f"/v1/applications/{application_id}", headers=intake.as_())).json()


def until(intake: Intake, application_id: str, predicate):
    async def check():
        current = await application(intake, application_id)
        return current if predicate(current) else None

    return eventually(check, timeout=10)


async def test_tasks_corrections_and_completion_are_kept_with_the_timeline(intake: Intake, bus: Bus) -> None:
    app_id = await submitted(intake)
    uid = uuid.UUID(app_id)
    t1, t3 = uuid.uuid4(), uuid.uuid4()
    start = utcnow()
    await bus.publish_event(TaskDispatched(application_id=uid, task_id=t1, item_code="I01", department_code="health"))
    current = await until(intake, app_id, lambda a: a["status"] == "in_progress")
    assert current["tasks"][0]["status"] == "dispatched"

    decided = TaskDecided(
        application_id=uid,
        task_id=t1,
        item_code="I01",
        department_code="health",
        status="approved",
        outputs={"medical_cert_no": "Q440000001"},
        occurred_at=start + timedelta(seconds=2),
    )
    await bus.publish_event(decided)
    # A dispatch event that is older than the decision, arriving late, changes nothing.
    await bus.publish_event(
        TaskDispatched(
            application_id=uid,
            task_id=t1,
            item_code="I01",
            department_code="health",
            occurred_at=start + timedelta(milliseconds=1),
        )
    )
    await bus.publish_event(TaskDispatched(application_id=uid, task_id=t3, item_code="I03", department_code="police"))
    current = await until(intake, app_id, lambda a: len(a["tasks"]) == 2)
    tasks = {t["item_code"]: t for t in current["tasks"]}
    assert tasks["I01"]["status"] == "approved"
    assert tasks["I01"]["outputs"] == {"medical_cert_no": "Q440000001"}

    applicant = Applicant(subject=CITIZEN, name="张三")
    await bus.publish_event(
        ApplicationCorrectionRequested(
            application_id=uid,
            applicant=applicant,
            corrections=[
                Correction(item_code="I03", field="child.name", message="姓名与出生医学证明不一致"),
                Correction(item_code="I03", material="BIRTH_CERT_FORM", message="登记表缺少签名"),
            ],
        )
    )
    current = await until(intake, app_id, lambda a: a["status"] == "correction_requested")
    assert [c.get("field") or c.get("material") for c in current["corrections"]] == ["child.name", "BIRTH_CERT_FORM"]

    completed = ApplicationCompleted(
        application_id=uid,
        bundle_code="B01",
        outcome="partially_completed",
        applicant=applicant,
        results=[
            TaskResultSummary(
                task_id=t1, item_code="I01", department_code="health", status="approved", licence={"number": "BMC-1"}
            ),
            TaskResultSummary(
                task_id=t3, item_code="I03", department_code="police", status="rejected", reason="材料不全"
            ),
        ],
    )
    await bus.publish_event(completed)
    current = await until(intake, app_id, lambda a: a["status"] == "partially_completed")
    tasks = {t["item_code"]: t for t in current["tasks"]}
    assert tasks["I01"]["licence"] == {"number": "BMC-1"}
    assert tasks["I03"]["status"] == "rejected" and tasks["I03"]["reason"] == "材料不全"

    # Terminal: a later correction request does not reopen it.
    await bus.publish_event(
        ApplicationCorrectionRequested(application_id=uid, applicant=applicant, corrections=[Correction(message="x")])
    )
    marker = TaskDispatched(application_id=uid, task_id=uuid.uuid4(), item_code="I09", department_code="health")
    await bus.publish_event(marker)
    await until(intake, app_id, lambda a: any(t["item_code"] == "I09" for t in a["tasks"]))
    assert (await application(intake, app_id))["status"] == "partially_completed"

    timeline = (await intake.client.get(f"/v1/applications/{app_id}/timeline", headers=intake.as_())).json()["items"]
    events = [e["event"] for e in timeline]
    assert events[:2] == ["application.created", "application.submitted"]
    assert events.count("task.dispatched") == 3 and events.count("task.decided") == 1
    assert "application.correction_requested" in events and "application.completed" in events
    assert all(e["at"] and e["actor"] for e in timeline)


async def test_event_for_an_unknown_application_goes_to_dead_letters(intake: Intake, bus: Bus) -> None:
    await bus.publish_event(
        TaskDispatched(application_id=uuid.uuid4(), task_id=uuid.uuid4(), item_code="I01", department_code="health")
    )

    async def dead_letters() -> list:
        response = await intake.client.get("/v1/admin/dead-letters", headers=intake.as_("ops-1", "ops"))
        return response.json()["items"] if response.status_code == 200 else []

    letters = await eventually(dead_letters, timeout=10)
    assert letters[0]["consumer"] == "intake-progress"
    assert "unknown" in letters[0]["error"]
