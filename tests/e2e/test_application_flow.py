"""One application end to end, through the gateway only, with every process real."""

import time
import uuid
from typing import Any

import httpx

from tests.support.forms import fill_form

CITIZEN = {
    "provider": "dev",
    "subject": "11010519491231002X",
    "name": "张三",
    "phone": "13800138000",
    "role": "citizen",
}
# The smallest well-formed PDF the material checks accept.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def login(gateway: httpx.Client, body: dict[str, Any]) -> dict[str, str]:
    response = gateway.post("/v1/auth/login", json=body)
    assert response.status_code == 200, response.text
    token = response.json()
    assert token["token_type"] == "bearer"
    return {"Authorization": f"Bearer {token['access_token']}"}


def wait_for(check, timeout: float = 90.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"not reached within {timeout}s; last: {last!r}")


def newborn_bundle_code(gateway: httpx.Client) -> str:
    found = gateway.get("/v1/bundles", params={"q": "新生儿"})
    assert found.status_code == 200, found.text
    codes = [b["code"] for b in found.json()["items"] if "新生儿" in b["name"]]
    assert codes, found.json()
    return codes[0]


def test_every_service_is_healthy_and_ready(stack, gateway: httpx.Client) -> None:
    for port in (
        stack.settings.catalog_port,
        stack.settings.intake_port,
        stack.settings.dispatch_port,
        stack.settings.notify_port,
        stack.settings.gateway_port,
    ):
        base = stack.url(port)
        assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
        ready = httpx.get(f"{base}/readyz")
        assert ready.status_code == 200, ready.text
        assert "onevisit_http_requests_total" in httpx.get(f"{base}/metrics").text


def test_a_citizen_applies_once_and_gets_every_result(gateway: httpx.Client) -> None:
    auth = login(gateway, CITIZEN)
    code = newborn_bundle_code(gateway)
    bundle = gateway.get(f"/v1/bundles/{code}").json()
    assert bundle["items"] and bundle["version"] >= 1

    draft = gateway.post("/v1/applications", json={"bundle_code": code, "answers": {}}, headers=auth)
    assert draft.status_code in (200, 201), draft.text
    draft = draft.json()
    assert draft["status"] == "draft"
    application_id = draft["id"]

    patched = gateway.patch(
        f"/v1/applications/{application_id}",
        json={"form_data": fill_form(draft["form"], draft["form_data"])},
        headers=auth,
    )
    assert patched.status_code == 200, patched.text
    for material in patched.json()["materials"]:
        if material.get("required") and not material.get("issued_by_item") and not material.get("satisfied"):
            uploaded = gateway.post(
                f"/v1/applications/{application_id}/materials",
                data={"material_code": material["code"]},
                files={"file": (f"{material['code']}.pdf", PDF, "application/pdf")},
                headers=auth,
            )
            assert uploaded.status_code in (200, 201), uploaded.text

    validated = gateway.post(f"/v1/applications/{application_id}/validate", headers=auth)
    assert validated.status_code == 200, validated.text
    assert validated.json()["problems"] == []

    key = {"Idempotency-Key": str(uuid.uuid4())}
    submitted = gateway.post(f"/v1/applications/{application_id}/submit", headers={**auth, **key})
    assert submitted.status_code == 202, submitted.text
    assert submitted.json()["status"] == "submitted"
    again = gateway.post(f"/v1/applications/{application_id}/submit", headers={**auth, **key})
    assert again.status_code == 202 and again.json()["id"] == application_id

    def completed() -> dict[str, Any] | None:
        body = gateway.get(f"/v1/applications/{application_id}", headers=auth).json()
        return body if body["status"] == "completed" else None

    application = wait_for(completed)
    chosen_items = {item["code"] for item in draft.get("items", [])} or {i["code"] for i in bundle["items"]}
    assert {task["item_code"] for task in application["tasks"]} == chosen_items
    assert all(task["status"] == "approved" for task in application["tasks"])
    # Each task's result: the decision's reason, and the outputs (certificate numbers) departments issued.
    assert all(task["reason"] for task in application["tasks"])
    assert any(task["outputs"] for task in application["tasks"])

    timeline = gateway.get(f"/v1/applications/{application_id}/timeline", headers=auth).json()
    events = (
        [entry["event"] for entry in timeline["items"]]
        if isinstance(timeline, dict)
        else [entry["event"] for entry in timeline]
    )
    assert events[0].endswith("created"), events
    assert any(e.endswith("submitted") for e in events) and any(e.endswith("completed") for e in events), events

    def delivery_ready() -> dict[str, Any] | None:
        response = gateway.get(f"/v1/applications/{application_id}/delivery", headers=auth)
        return response.json() if response.status_code == 200 and response.json()["status"] != "pending" else None

    delivery = wait_for(delivery_ready)
    assert delivery["method"] == "window" and delivery["pickup_code"]


def test_another_citizen_cannot_read_the_application(gateway: httpx.Client) -> None:
    owner = login(gateway, CITIZEN)
    stranger = login(gateway, {**CITIZEN, "subject": "440524188001010014", "name": "李四"})
    code = newborn_bundle_code(gateway)
    draft = gateway.post("/v1/applications", json={"bundle_code": code, "answers": {}}, headers=owner).json()
    response = gateway.get(f"/v1/applications/{draft['id']}", headers=stranger)
    assert response.status_code in (403, 404)
    assert response.headers["content-type"].startswith("application/problem+json")
    assert gateway.get(f"/v1/applications/{draft['id']}").status_code == 401
