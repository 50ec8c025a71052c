"""API-key clients: HMAC signatures (timestamp window, nonce once, body hash), scopes, two
active keys for rotation, revocation, X-Road headers, and the operator API."""

import time
import uuid
from typing import Any

import httpx
import pytest

from gateway.clients.service import DEV_SALT
from gateway.clients.signatures import derive_secret
from onevisit.settings import DEV_INTERNAL_SECRET
from onevisit.signing import sign_request
from tests.gateway.conftest import CITIZEN, OPS, GatewayFactory, login


def signed(key: dict[str, str], method: str, target: str, body: bytes = b"", **extra: Any) -> dict[str, str]:
    return {"Authorization": sign_request(key["secret"], method, target, body, key_id=key["key_id"], **extra)}


async def register(gateway: httpx.AsyncClient, **client: Any) -> dict[str, Any]:
    ops = await login(gateway, OPS)
    answer = await gateway.post("/v1/admin/clients", json=client, headers=ops)
    assert answer.status_code == 201, answer.text
    return answer.json()


DEPT_CLIENT = {
    "id": "gongan-hukou",
    "name": "公安户籍系统",
    "role": "department",
    "department": "GA",
    "scopes": ["dept:read", "dept:write"],
}
SYSTEM_CLIENT = {
    "id": "tongji-ju",
    "name": "统计局数据系统",
    "role": "system",
    "scopes": ["catalog:read", "applications:read"],
}


async def test_a_signed_department_request_reaches_dispatch_as_that_department(gateway: httpx.AsyncClient) -> None:
    key = (await register(gateway, **DEPT_CLIENT))["key"]
    body = b'{"decision": "approved", "outputs": {"hukou_no": "A1"}}'
    target = "/v1/dept/tasks/t-1/result?x=%E4%B8%AD"
    answer = await gateway.post(
        target, content=body, headers={**signed(key, "POST", target, body), "Content-Type": "application/json"}
    )
    assert answer.status_code == 200, answer.text
    echoed = answer.json()
    assert echoed["service"] == "dispatch"
    identity = echoed["identity"]
    assert (identity["role"], identity["department"], identity["client_id"]) == ("department", "GA", "gongan-hukou")
    assert "authorization" not in echoed["headers"]


async def test_bad_signatures_replays_and_stale_timestamps_are_refused(gateway: httpx.AsyncClient) -> None:
    key = (await register(gateway, **DEPT_CLIENT))["key"]
    target = "/v1/dept/tasks"
    headers = signed(key, "GET", target)
    assert (await gateway.get(target, headers=headers)).status_code == 200
    replay = await gateway.get(target, headers=headers)
    assert replay.status_code == 401 and replay.json()["code"] == "nonce_replayed"

    cases = {
        "signature_invalid": signed({**key, "secret": "0" * 64}, "GET", target),
        "signature_stale": signed(key, "GET", target, ts=int(time.time()) - 301),
    }
    future = signed(key, "GET", target, ts=int(time.time()) + 400)
    unknown = signed({**key, "key_id": "k_nobody"}, "GET", target)
    for code, case in cases.items():
        answer = await gateway.get(target, headers=case)
        assert answer.status_code == 401 and answer.json()["code"] == code, answer.text
    assert (await gateway.get(target, headers=future)).json()["code"] == "signature_stale"
    assert (await gateway.get(target, headers=unknown)).json()["code"] == "signature_invalid"
    # Signed for another path, another query, another body: all refused.
    assert (await gateway.get("/v1/dept/tasks?status=open", headers=signed(key, "GET", target))).status_code == 401
    body_signed = signed(key, "POST", "/v1/dept/tasks/t-1/result", b'{"decision": "approved"}')
    tampered = await gateway.post("/v1/dept/tasks/t-1/result", content=b'{"decision": "rejected"}', headers=body_signed)
    assert tampered.status_code == 401 and tampered.json()["code"] == "signature_invalid"
    malformed = await gateway.get(target, headers={"Authorization": "OneVisit-HMAC key=x, sig=y"})
    assert malformed.status_code == 401 and malformed.json()["code"] == "signature_invalid"


async def test_two_keys_are_active_during_a_rotation_and_revocation_is_immediate(gateway: httpx.AsyncClient) -> None:
    ops = await login(gateway, OPS)
    first = (await register(gateway, **DEPT_CLIENT))["key"]
    second = (await gateway.post("/v1/admin/clients/gongan-hukou/keys", headers=ops)).json()["key"]
    for key in (first, second):
        assert (await gateway.get("/v1/dept/tasks", headers=signed(key, "GET", "/v1/dept/tasks"))).status_code == 200
    rotated = await gateway.post("/v1/admin/clients/gongan-hukou/keys", headers=ops)
    third = rotated.json()["key"]
    active = [k["key_id"] for k in rotated.json()["client"]["keys"] if k["revoked_at"] is None]
    assert active == [second["key_id"], third["key_id"]]
    assert (await gateway.get("/v1/dept/tasks", headers=signed(first, "GET", "/v1/dept/tasks"))).status_code == 401
    assert (await gateway.get("/v1/dept/tasks", headers=signed(third, "GET", "/v1/dept/tasks"))).status_code == 200

    revoked = await gateway.delete(f"/v1/admin/clients/gongan-hukou/keys/{second['key_id']}", headers=ops)
    assert revoked.status_code == 200
    assert (await gateway.get("/v1/dept/tasks", headers=signed(second, "GET", "/v1/dept/tasks"))).status_code == 401
    assert (await gateway.delete("/v1/admin/clients/gongan-hukou", headers=ops)).status_code == 200
    assert (await gateway.get("/v1/dept/tasks", headers=signed(third, "GET", "/v1/dept/tasks"))).status_code == 401
    listed = (await gateway.get("/v1/admin/clients", headers=ops)).json()
    assert listed[0]["revoked_at"] and all(k["revoked_at"] for k in listed[0]["keys"])
    assert "secret" not in str(listed)


async def test_scopes_decide_what_a_system_may_call(gateway: httpx.AsyncClient) -> None:
    key = (await register(gateway, **SYSTEM_CLIENT))["key"]
    read = await gateway.get("/v1/applications/a1", headers=signed(key, "GET", "/v1/applications/a1"))
    assert read.status_code == 200 and read.json()["identity"]["role"] == "system"
    for method, path in (
        ("POST", "/v1/applications"),
        ("GET", "/v1/dept/tasks"),
        ("GET", "/v1/admin/stats"),
        ("GET", "/v1/licences"),
        ("GET", "/v1/admin/clients"),
    ):
        answer = await gateway.request(method, path, headers=signed(key, method, path))
        assert answer.status_code == 403, (method, path, answer.text)


async def test_x_road_headers_are_checked_forwarded_and_audited(gateway: httpx.AsyncClient) -> None:
    key = (await register(gateway, **DEPT_CLIENT))["key"]
    ops = await login(gateway, OPS)
    request_id = uuid.uuid4().hex
    target = "/v1/dept/tasks/t-9/result"
    body = b'{"decision": "approved"}'
    xroad = {
        "X-Road-Client": "gongan-hukou",
        "X-Road-Id": request_id,
        "X-Road-UserId": "11010519491231002X",
        "X-Road-Issue": "app-42",
        "X-Request-ID": request_id,
    }
    answer = await gateway.post(target, content=body, headers={**signed(key, "POST", target, body), **xroad})
    assert answer.status_code == 200, answer.text
    assert answer.json()["headers"]["x-road-userid"] == "11010519491231002X"
    entries = (await gateway.get("/v1/admin/audit", params={"request_id": request_id}, headers=ops)).json()["items"]
    assert len(entries) == 1
    entry = entries[0]
    assert (entry["client_id"], entry["application_id"], entry["service"]) == ("gongan-hukou", "app-42", "dispatch")
    assert entry["end_user_id"] == "110105********002X"

    spoofed = await gateway.post(
        target, content=body, headers={**signed(key, "POST", target, body), "X-Road-Client": "another-system"}
    )
    assert spoofed.status_code == 403 and spoofed.json()["code"] == "calling_system_mismatch"
    # A person cannot claim to be a calling system: the header is dropped.
    citizen = await gateway.get(
        "/v1/applications", headers={**await login(gateway, CITIZEN), "X-Road-Client": "gongan-hukou"}
    )
    assert "x-road-client" not in citizen.json()["headers"]


async def test_dev_department_keys_exist_only_in_development(make_gateway: GatewayFactory) -> None:
    key_id = "dev-dept-MZ"
    key = {"key_id": key_id, "secret": derive_secret(DEV_INTERNAL_SECRET, key_id, DEV_SALT)}
    async with make_gateway() as gateway:
        answer = await gateway.get("/v1/dept/tasks", headers=signed(key, "GET", "/v1/dept/tasks"))
        assert answer.status_code == 200 and answer.json()["identity"]["department"] == "MZ"
    async with make_gateway(environment="production", token_secret="t" * 32, key_secret="k" * 32) as gateway:
        answer = await gateway.get("/v1/dept/tasks", headers=signed(key, "GET", "/v1/dept/tasks"))
        assert answer.status_code == 401


@pytest.mark.parametrize("who", [None, CITIZEN])
async def test_only_operators_manage_clients(gateway: httpx.AsyncClient, who: dict[str, str] | None) -> None:
    headers = await login(gateway, who) if who else {}
    answer = await gateway.post("/v1/admin/clients", json=DEPT_CLIENT, headers=headers)
    assert answer.status_code == (403 if who else 401)


async def test_client_registration_checks_its_body(gateway: httpx.AsyncClient) -> None:
    ops = await login(gateway, OPS)
    unbound = await gateway.post("/v1/admin/clients", json={**DEPT_CLIENT, "department": None}, headers=ops)
    assert unbound.status_code == 422
    bad_scope = await gateway.post("/v1/admin/clients", json={**SYSTEM_CLIENT, "scopes": ["root"]}, headers=ops)
    assert bad_scope.status_code == 422
    await register(gateway, **SYSTEM_CLIENT)
    again = await gateway.post("/v1/admin/clients", json=SYSTEM_CLIENT, headers=ops)
    assert again.status_code == 409
