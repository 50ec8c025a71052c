"""Login with the dev provider, tokens that expire, refresh with rotation, logout, forgeries."""

from datetime import timedelta

import httpx
import jwt

from gateway.auth.tokens import ALGORITHM, AUDIENCE, ISSUER, issue_access_token
from gateway.settings import DEV_TOKEN_SECRET
from onevisit.auth import Identity
from onevisit.db import utcnow
from tests.gateway.conftest import CITIZEN, DEPT_GA, GatewayFactory, login


async def test_dev_login_issues_a_short_lived_bearer_token(gateway: httpx.AsyncClient) -> None:
    answer = await gateway.post("/v1/auth/login", json=CITIZEN)
    assert answer.status_code == 200, answer.text
    token = answer.json()
    assert token["token_type"] == "bearer"
    assert token["expires_in"] == 900
    me = await gateway.get("/v1/auth/me", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert me.json()["subject"] == CITIZEN["subject"] and me.json()["phone"] == CITIZEN["phone"]


async def test_dev_login_lists_every_problem_at_once(gateway: httpx.AsyncClient) -> None:
    answer = await gateway.post(
        "/v1/auth/login",
        json={"provider": "dev", "subject": "123", "role": "citizen", "phone": "12", "department": "GA"},
    )
    assert answer.status_code == 422
    codes = {problem["code"] for problem in answer.json()["problems"]}
    assert codes == {"login.resident_id_invalid", "login.phone_invalid", "login.department_not_allowed"}
    department = await gateway.post("/v1/auth/login", json={"provider": "dev", "subject": "x", "role": "department"})
    assert department.status_code == 422
    assert department.json()["problems"][0]["code"] == "login.department_required"


async def test_the_dev_provider_does_not_exist_in_production(make_gateway: GatewayFactory) -> None:
    async with make_gateway(environment="production", token_secret="t" * 32, key_secret="k" * 32) as gateway:
        answer = await gateway.post("/v1/auth/login", json=CITIZEN)
        assert answer.status_code == 400
        assert answer.json()["code"] == "unknown_identity_provider"


async def test_a_production_provider_asks_the_external_identity_service(make_gateway: GatewayFactory) -> None:
    seen: list[bytes] = []

    def identity_service(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        if b"good-code" in request.content:
            return httpx.Response(200, json={"subject": "11010519491231002X", "role": "citizen", "name": "张三"})
        return httpx.Response(401, json={"error": "invalid code"})

    async with make_gateway(
        environment="production",
        token_secret="t" * 32,
        key_secret="k" * 32,
        identity_provider_url="https://id.example.gov.cn/exchange",
        identity_provider_name="wechat",
        identity_transport=httpx.MockTransport(identity_service),
    ) as gateway:
        good = await gateway.post("/v1/auth/login", json={"provider": "wechat", "code": "good-code"})
        assert good.status_code == 200, good.text
        me = await gateway.get("/v1/auth/me", headers={"Authorization": f"Bearer {good.json()['access_token']}"})
        assert me.json()["subject"] == "11010519491231002X"
        bad = await gateway.post("/v1/auth/login", json={"provider": "wechat", "code": "stolen"})
        assert bad.status_code == 401 and bad.json()["code"] == "login_refused"
    assert len(seen) == 2


async def test_forged_and_expired_tokens_are_refused(gateway: httpx.AsyncClient) -> None:
    identity = Identity(subject="11010519491231002X", role="ops")
    forged, _ = issue_access_token(identity, secret="not-the-gateway-secret", ttl_seconds=60)
    now = utcnow()
    expired = jwt.encode(
        {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "x",
            "jti": "j",
            "iat": now - timedelta(hours=1),
            "exp": now - timedelta(minutes=1),
            "idn": {"role": "ops"},
        },
        DEV_TOKEN_SECRET,
        algorithm=ALGORITHM,
    )
    unsigned = jwt.encode(
        {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "x",
            "jti": "j",
            "iat": now,
            "exp": now + timedelta(minutes=5),
            "idn": {"role": "ops"},
        },
        None,
        algorithm="none",
    )
    for token, code in (
        (forged, "invalid_token"),
        (expired, "token_expired"),
        (unsigned, "invalid_token"),
        ("garbage", "invalid_token"),
    ):
        answer = await gateway.get("/v1/applications", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401, (token, answer.text)
        assert answer.json()["code"] == code
    other_scheme = await gateway.get("/v1/applications", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert other_scheme.status_code == 401 and other_scheme.json()["code"] == "unsupported_credentials"


async def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_login(gateway: httpx.AsyncClient) -> None:
    first = (await gateway.post("/v1/auth/login", json=DEPT_GA)).json()
    second = await gateway.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200, second.text
    second = second.json()
    assert second["refresh_token"] != first["refresh_token"]
    me = await gateway.get("/v1/auth/me", headers={"Authorization": f"Bearer {second['access_token']}"})
    assert me.json()["department"] == "GA"

    replay = await gateway.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401 and replay.json()["code"] == "refresh_token_invalid"
    # The leak is contained: the token issued by the legitimate rotation is revoked too.
    after = await gateway.post("/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert after.status_code == 401


async def test_logout_revokes_the_access_and_refresh_tokens(gateway: httpx.AsyncClient) -> None:
    tokens = (await gateway.post("/v1/auth/login", json=CITIZEN)).json()
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert (await gateway.get("/v1/applications", headers=auth)).status_code == 200
    out = await gateway.post("/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]}, headers=auth)
    assert out.status_code == 204, out.text
    after = await gateway.get("/v1/applications", headers=auth)
    assert after.status_code == 401 and after.json()["code"] == "token_revoked"
    refreshed = await gateway.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 401
    # Another login of the same person is unaffected.
    assert (await gateway.get("/v1/applications", headers=await login(gateway, CITIZEN))).status_code == 200
