"""Token-bucket rate limits (429 with Retry-After), body size limits (413) and CORS."""

import httpx

from tests.gateway.conftest import CITIZEN, OTHER_CITIZEN, GatewayFactory, login


async def test_a_flood_from_one_address_gets_429_with_retry_after(make_gateway: GatewayFactory) -> None:
    async with make_gateway(rate_limit_ip_per_second=0.5, rate_limit_ip_burst=5) as gateway:
        statuses = [(await gateway.get("/v1/bundles")).status_code for _ in range(5)]
        assert statuses == [200] * 5
        limited = await gateway.get("/v1/bundles")
        assert limited.status_code == 429
        assert limited.headers["content-type"] == "application/problem+json"
        assert limited.json()["code"] == "rate_limited"
        assert 1 <= int(limited.headers["retry-after"]) <= 2


async def test_each_caller_has_a_bucket_of_its_own(make_gateway: GatewayFactory) -> None:
    async with make_gateway(rate_limit_client_per_second=0.1, rate_limit_client_burst=3) as gateway:
        first, second = await login(gateway, CITIZEN), await login(gateway, OTHER_CITIZEN)
        assert [(await gateway.get("/v1/applications", headers=first)).status_code for _ in range(3)] == [200] * 3
        limited = await gateway.get("/v1/applications", headers=first)
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 5
        assert (await gateway.get("/v1/applications", headers=second)).status_code == 200


async def test_oversized_bodies_get_413_declared_or_streamed(make_gateway: GatewayFactory) -> None:
    async with make_gateway(max_body_bytes=1000, max_upload_bytes=300_000) as gateway:
        auth = await login(gateway, CITIZEN)
        declared = await gateway.post("/v1/applications", content=b"x" * 1001, headers=auth)
        assert declared.status_code == 413 and declared.json()["code"] == "body_too_large"
        assert (await gateway.post("/v1/applications", content=b"x" * 1000, headers=auth)).status_code == 200

        async def stream(total: int):
            for _ in range(total // 50_000):
                yield b"y" * 50_000

        # Uploads have their own, larger limit; without Content-Length the count happens while streaming.
        fits = await gateway.post("/v1/applications/a1/materials", content=stream(250_000), headers=auth)
        assert fits.status_code == 200 and fits.json()["body_size"] == 250_000
        too_big = await gateway.post("/v1/applications/a1/materials", content=stream(400_000), headers=auth)
        assert too_big.status_code == 413


async def test_cors_lets_h5_pages_call_with_a_token(make_gateway: GatewayFactory) -> None:
    async with make_gateway(cors_origins=["https://h5.onevisit.gov.cn"]) as gateway:
        preflight = await gateway.options(
            "/v1/applications",
            headers={
                "Origin": "https://h5.onevisit.gov.cn",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type,idempotency-key",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://h5.onevisit.gov.cn"
        other = await gateway.options(
            "/v1/applications", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
        )
        assert "access-control-allow-origin" not in other.headers
        simple = await gateway.get("/v1/bundles", headers={"Origin": "https://h5.onevisit.gov.cn"})
        assert simple.headers["access-control-allow-origin"] == "https://h5.onevisit.gov.cn"
        assert "x-request-id" in simple.headers["access-control-expose-headers"].lower()


async def test_limits_are_not_a_problem_for_the_happy_path(gateway: httpx.AsyncClient) -> None:
    statuses = {(await gateway.get("/v1/bundles")).status_code for _ in range(50)}
    assert statuses == {200}
