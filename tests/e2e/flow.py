"""What an applicant does through the gateway, shared by the end-to-end tests."""

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


def prepare_draft(gateway: httpx.Client, auth: dict[str, str], bundle_code: str) -> dict[str, Any]:
    """A draft with its form filled and every material the applicant must bring uploaded."""
    draft = gateway.post("/v1/applications", json={"bundle_code": bundle_code, "answers": {}}, headers=auth)
    assert draft.status_code in (200, 201), draft.text
    draft = draft.json()
    assert draft["status"] == "draft"
    patched = gateway.patch(
        f"/v1/applications/{draft['id']}",
        json={"form_data": fill_form(draft["form"], draft["form_data"])},
        headers=auth,
    )
    assert patched.status_code == 200, patched.text
    for material in patched.json()["materials"]:
        if material.get("required") and not material.get("issued_by_item") and not material.get("satisfied"):
            uploaded = gateway.post(
                f"/v1/applications/{draft['id']}/materials",
                data={"material_code": material["code"]},
                files={"file": (f"{material['code']}.pdf", PDF, "application/pdf")},
                headers=auth,
            )
            assert uploaded.status_code in (200, 201), uploaded.text
    return draft


def submit(gateway: httpx.Client, auth: dict[str, str], application_id: str) -> httpx.Response:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    return gateway.post(f"/v1/applications/{application_id}/submit", headers={**auth, **key})
