"""One application end to end, through the gateway only, with every process real."""

import uuid
from typing import Any

import httpx

from tests.e2e.flow import CITIZEN, login, newborn_bundle_code, prepare_draft, wait_for


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

    draft = prepare_draft(gateway, auth, code)
    application_id = draft["id"]

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


def test_the_hotline_answers_from_the_catalog_when_a_ticket_is_filed(gateway: httpx.Client) -> None:
    """即问即答: the question finds its bundle by synonym and item names, with the catalog's FAQs."""
    auth = login(gateway, CITIZEN)
    filed = gateway.post(
        "/v1/tickets",
        json={
            "type": "consultation",
            "content": "宝宝刚出生，怎么报户口？出生医学证明在哪里领？",
            "source": "mini_program",
        },
        headers=auth,
    )
    assert filed.status_code == 201, filed.text
    answer = filed.json()["instant_answer"]
    assert answer["bundle_code"] == "B01", answer
    assert answer["faqs"][0]["question"] == "出生医学证明在哪里领取？"

    unrelated = gateway.post("/v1/tickets", json={"type": "suggestion", "content": "ＸＹＺ"}, headers=auth)
    assert unrelated.status_code == 201, unrelated.text
    assert unrelated.json()["instant_answer"] is None


def test_an_open311_client_files_through_the_gateway_with_its_api_key(gateway: httpx.Client) -> None:
    """No login: the Open311 client system's api_key (the development one here) is its credential."""
    form = {
        "service_code": "complaint-business",
        "description": "路边餐馆油烟扰民，希望有关部门处理",
        "address_string": "广州市越秀区某路1号",
    }
    refused = gateway.post("/open311/v2/requests.json", data={**form, "api_key": "not-a-key"})
    assert refused.status_code == 403, refused.text
    filed = gateway.post("/open311/v2/requests.json", data={**form, "api_key": "dev-open311-key"})
    assert filed.status_code == 201, filed.text
    request_id = filed.json()[0]["service_request_id"]
    assert "由 市场监督管理局 于" in filed.json()[0]["service_notice"]
    read = gateway.get(f"/open311/v2/requests/{request_id}.json")
    assert read.status_code == 200, read.text
    assert read.json()[0]["status"] == "open" and read.json()[0]["service_code"] == "complaint-business"
    updates = gateway.get("/open311/v2/servicerequestupdates.json")
    assert updates.status_code == 200, updates.text
    mine = [u for u in updates.json() if u["service_request_id"] == request_id]
    # The public reads the department's name from the catalog, not its code.
    assert mine[0]["description"] == "已分派至承办部门 市场监督管理局", mine
