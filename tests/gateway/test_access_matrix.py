"""Who reaches what: every caller kind against every endpoint family, and tokens that try to
change who they are. The services check ownership; the gateway checks role and scope."""

import base64
import json
from typing import Any

import httpx
import pytest

from onevisit.signing import sign_request
from tests.gateway.conftest import CITIZEN, CLERK, COMPANY, DEPT_GA, OPS, OTHER_CITIZEN, login

PEOPLE = {"citizen": CITIZEN, "company": COMPANY, "clerk": CLERK, "department": DEPT_GA, "ops": OPS}
CLIENTS = {
    "dept-system": {
        "id": "ga-system",
        "name": "公安系统",
        "role": "department",
        "department": "GA",
        "scopes": ["dept:read", "dept:write", "tickets:read", "tickets:write"],
    },
    "gov-system": {
        "id": "gov-system",
        "name": "其他政务系统",
        "role": "system",
        "scopes": ["catalog:read", "applications:read", "licences:read"],
    },
}
ANYONE = {"anonymous", *PEOPLE, *CLIENTS}
LOGGED_IN_PEOPLE = set(PEOPLE)
APPLYING = {"citizen", "company", "clerk"}

# family: (method, path, who gets through the gateway)
MATRIX: dict[str, tuple[str, str, set[str]]] = {
    "catalog list": ("GET", "/v1/bundles", ANYONE),
    "catalog guide": ("GET", "/v1/bundles/NEWBORN/guide", ANYONE),
    "catalog evaluate": ("POST", "/v1/bundles/NEWBORN/evaluate", ANYONE),
    "departments": ("GET", "/v1/departments", ANYONE),
    "catalog admin": ("POST", "/v1/admin/catalog/bundles", {"ops"}),
    "draft": ("POST", "/v1/applications", APPLYING),
    "application list": ("GET", "/v1/applications", APPLYING | {"gov-system"}),
    "application submit": ("POST", "/v1/applications/a1/submit", APPLYING),
    "upload": ("POST", "/v1/applications/a1/materials", APPLYING),
    "material link": ("GET", "/v1/materials/m1/content", ANYONE),
    "delivery": ("PUT", "/v1/applications/a1/delivery", APPLYING),
    "rating": ("POST", "/v1/applications/a1/rating", APPLYING),
    "licences": ("GET", "/v1/licences", APPLYING | {"gov-system"}),
    "licence verify": ("GET", "/v1/licences/L1/verify", LOGGED_IN_PEOPLE | {"gov-system"}),
    "tickets": ("POST", "/v1/tickets", LOGGED_IN_PEOPLE | {"dept-system"}),
    "ticket reply": ("POST", "/v1/tickets/t1/reply", {"department", "ops", "dept-system"}),
    "open311 services": ("GET", "/open311/v2/services.json", ANYONE),
    "open311 request": ("POST", "/open311/v2/requests.json", ANYONE),
    "dept tasks": ("GET", "/v1/dept/tasks", {"department", "dept-system"}),
    "dept result": ("POST", "/v1/dept/tasks/t1/result", {"department", "dept-system"}),
    "dept webhook": ("PUT", "/v1/dept/webhook", {"department", "dept-system"}),
    "stats": ("GET", "/v1/admin/stats", {"ops"}),
    "dead letters": ("GET", "/v1/admin/dead-letters", {"ops"}),
    "api clients": ("GET", "/v1/admin/clients", {"ops"}),
    "audit log": ("GET", "/v1/admin/audit", {"ops"}),
}


async def test_every_caller_against_every_endpoint_family(gateway: httpx.AsyncClient) -> None:
    tokens = {role: await login(gateway, body) for role, body in PEOPLE.items()}
    ops = tokens["ops"]
    keys = {}
    for name, client in CLIENTS.items():
        created = await gateway.post("/v1/admin/clients", json=client, headers=ops)
        keys[name] = created.json()["key"]

    def headers_for(caller: str, method: str, path: str, body: bytes) -> dict[str, str]:
        if caller == "anonymous":
            return {}
        if caller in tokens:
            return tokens[caller]
        key = keys[caller]
        return {"Authorization": sign_request(key["secret"], method, path, body, key_id=key["key_id"])}

    wrong: list[str] = []
    for family, (method, path, allowed) in MATRIX.items():
        for caller in sorted(ANYONE):
            body = b"{}" if method in ("POST", "PUT") else b""
            answer = await gateway.request(
                method,
                path,
                content=body or None,
                headers={**headers_for(caller, method, path, body), "Content-Type": "application/json"},
            )
            if caller in allowed:
                ok = answer.status_code == 200
                forwarded = answer.json().get("identity") if ok and "service" in answer.json() else None
                if ok and forwarded is not None and caller in PEOPLE:
                    ok = forwarded["role"] == caller
            else:
                ok = answer.status_code == (401 if caller == "anonymous" else 403)
            if not ok:
                wrong.append(f"{caller} {method} {path} ({family}): {answer.status_code}")
    assert not wrong, "\n".join(wrong)


async def test_two_citizens_are_two_identities_downstream(gateway: httpx.AsyncClient) -> None:
    first = (await gateway.get("/v1/applications/a1", headers=await login(gateway, CITIZEN))).json()
    second = (await gateway.get("/v1/applications/a1", headers=await login(gateway, OTHER_CITIZEN))).json()
    assert first["identity"]["subject"] == CITIZEN["subject"]
    assert second["identity"]["subject"] == OTHER_CITIZEN["subject"]


def _tamper(token: str, change: dict[str, Any]) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["idn"].update(change)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


@pytest.mark.parametrize("change", [{"role": "ops"}, {"department": "MZ"}, {"role": "department"}])
async def test_a_token_cannot_be_edited_to_another_role_or_department(
    gateway: httpx.AsyncClient, change: dict[str, Any]
) -> None:
    body = DEPT_GA if "department" in change and change.get("department") else CITIZEN
    token = (await gateway.post("/v1/auth/login", json=body)).json()["access_token"]
    answer = await gateway.get("/v1/dept/tasks", headers={"Authorization": f"Bearer {_tamper(token, change)}"})
    assert answer.status_code == 401 and answer.json()["code"] == "invalid_token"


async def test_no_login_yields_the_system_role(gateway: httpx.AsyncClient) -> None:
    answer = await gateway.post("/v1/auth/login", json={**CITIZEN, "role": "system"})
    assert answer.status_code == 422
