"""Routing: every public path family reaches its service with the request intact, the internal
identity signed, and credentials stripped; a service down is a 503 naming it."""

import hashlib

import httpx
import pytest

from onevisit.auth import IDENTITY_HEADER
from tests.gateway.conftest import CITIZEN, GatewayFactory, login

ROUTES = [
    ("GET", "/v1/bundles", "catalog"),
    ("GET", "/v1/bundles/NEWBORN/guide", "catalog"),
    ("POST", "/v1/bundles/NEWBORN/evaluate", "catalog"),
    ("GET", "/v1/departments", "catalog"),
    ("POST", "/v1/applications", "intake"),
    ("PATCH", "/v1/applications/a1", "intake"),
    ("POST", "/v1/applications/a1/submit", "intake"),
    ("GET", "/v1/applications/a1/timeline", "intake"),
    ("GET", "/v1/materials/m1/content", "intake"),
    ("PUT", "/v1/applications/a1/delivery", "notify"),
    ("POST", "/v1/applications/a1/rating", "notify"),
    ("GET", "/v1/licences", "notify"),
    ("POST", "/v1/tickets", "notify"),
    ("GET", "/open311/v2/services.json", "notify"),
]


@pytest.mark.parametrize(("method", "path", "service"), ROUTES)
async def test_each_path_family_reaches_its_service(
    gateway: httpx.AsyncClient, method: str, path: str, service: str
) -> None:
    auth = await login(gateway, CITIZEN)
    answer = await gateway.request(method, path, headers=auth, json={} if method != "GET" else None)
    assert answer.status_code == 200, answer.text
    echoed = answer.json()
    assert (echoed["service"], echoed["method"], echoed["path"]) == (service, method, path)


async def test_the_request_arrives_intact_with_a_signed_identity_and_no_credentials(
    gateway: httpx.AsyncClient,
) -> None:
    auth = await login(gateway, CITIZEN)
    body = '{"bundle_code": "NEWBORN", "answers": {"多胎": false}}'.encode()
    answer = await gateway.post(
        "/v1/applications?x=1&y=%E4%B8%AD",
        content=body,
        headers={
            **auth,
            "Content-Type": "application/json",
            "Idempotency-Key": "k-1",
            "X-Request-ID": "req-123",
            "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "Cookie": "session=abc",
            # A forged internal identity from outside must never reach a service.
            IDENTITY_HEADER: "forged",
        },
    )
    assert answer.status_code == 200, answer.text
    echoed = answer.json()
    assert echoed["query"] == "x=1&y=%E4%B8%AD"
    assert echoed["body_sha256"] == hashlib.sha256(body).hexdigest()
    headers = echoed["headers"]
    assert headers["idempotency-key"] == "k-1"
    assert headers["x-request-id"] == "req-123"
    assert headers["traceparent"] == "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    assert "authorization" not in headers and "cookie" not in headers
    assert echoed["identity"]["subject"] == CITIZEN["subject"]
    assert echoed["identity"]["role"] == "citizen"
    assert answer.headers["x-request-id"] == "req-123"
    assert answer.headers["x-echo"] == "intake"
    assert "set-cookie" not in answer.headers


async def test_a_public_catalog_read_needs_no_login_and_carries_no_identity(gateway: httpx.AsyncClient) -> None:
    answer = await gateway.get("/v1/bundles", params={"q": "新生儿"})
    assert answer.status_code == 200
    echoed = answer.json()
    assert echoed["identity"] is None
    assert echoed["headers"]["traceparent"].startswith("00-")
    assert echoed["headers"]["x-request-id"]


async def test_upstream_status_and_problem_pass_through(gateway: httpx.AsyncClient) -> None:
    answer = await gateway.get("/v1/bundles/NOPE", params={"status": "404"})
    assert answer.status_code == 404
    assert answer.json()["service"] == "catalog"


async def test_uploads_and_downloads_stream_through(gateway: httpx.AsyncClient) -> None:
    auth = await login(gateway, CITIZEN)
    payload = bytes(range(256)) * 8192  # 2 MiB: above the buffered size, below the upload limit

    # No Content-Length: the gateway must stream the body and count it.
    async def chunks():
        for start in range(0, len(payload), 100_000):
            yield payload[start : start + 100_000]

    uploaded = await gateway.post(
        "/v1/applications/a1/materials", content=chunks(), headers={**auth, "Content-Type": "application/octet-stream"}
    )
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json()["body_size"] == len(payload)
    assert uploaded.json()["body_sha256"] == hashlib.sha256(payload).hexdigest()

    downloaded = await gateway.get("/v1/materials/m1/content", params={"download": 3_000_000})
    assert downloaded.status_code == 200
    assert len(downloaded.content) == 3_000_000


async def test_a_service_down_is_a_503_naming_it(make_gateway: GatewayFactory, stopped_url: str) -> None:
    async with make_gateway(intake_url=stopped_url, upstream_read_retries=1) as gateway:
        auth = await login(gateway, CITIZEN)
        answer = await gateway.get("/v1/applications", headers=auth)
        assert answer.status_code == 503
        assert answer.headers["content-type"] == "application/problem+json"
        problem = answer.json()
        assert problem["service"] == "intake"
        assert problem["code"] == "service_unavailable"
        # Other services are unaffected.
        assert (await gateway.get("/v1/bundles")).status_code == 200


async def test_a_slow_service_times_out_with_a_504(make_gateway: GatewayFactory) -> None:
    async with make_gateway(upstream_read_timeout_seconds=0.3) as gateway:
        answer = await gateway.get("/v1/bundles/slow")
        assert answer.status_code == 504
        assert answer.json()["service"] == "catalog"


async def test_unknown_paths_and_methods_are_problems(gateway: httpx.AsyncClient) -> None:
    missing = await gateway.get("/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["code"] == "path_not_found"
    wrong = await gateway.delete("/v1/bundles")
    assert wrong.status_code == 405


async def test_the_real_catalog_answers_through_the_gateway_as_it_does_directly(
    make_gateway: GatewayFactory, catalog_url: str
) -> None:
    async with httpx.AsyncClient() as client:
        direct = await client.get(f"{catalog_url}/v1/bundles/NO-SUCH-BUNDLE")
    async with make_gateway(catalog_url=catalog_url) as gateway:
        through = await gateway.get("/v1/bundles/NO-SUCH-BUNDLE")
    assert through.status_code == direct.status_code
    assert through.headers["content-type"] == direct.headers["content-type"]
    assert {k: v for k, v in through.json().items() if k != "instance"} == {
        k: v for k, v in direct.json().items() if k != "instance"
    }


async def test_head_keeps_the_length_of_the_get(gateway: httpx.AsyncClient) -> None:
    got = await gateway.get("/v1/bundles")
    head = await gateway.head("/v1/bundles")
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) > 0
    assert got.status_code == 200
