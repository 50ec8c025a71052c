"""The merged OpenAPI document and the merged dead-letter list, with the real catalog-svc."""

import uuid

import httpx

from gateway.apidocs.merge import merge_documents
from gateway.routing import routes_path
from onevisit.consumer import DeadLetter
from onevisit.db import create_engine, create_session_factory, utcnow
from tests.gateway.conftest import CITIZEN, OPS, CatalogProcess, GatewayFactory, login


async def test_one_openapi_document_merges_the_services_and_the_gateway(
    make_gateway: GatewayFactory, catalog_url: str, stopped_url: str
) -> None:
    async with httpx.AsyncClient() as client:
        catalog_doc = (await client.get(f"{catalog_url}/openapi.json")).json()
    down = {f"{name}_url": stopped_url for name in ("intake", "dispatch", "notify")}
    async with make_gateway(catalog_url=catalog_url, upstream_read_retries=0, **down) as gateway:
        document = (await gateway.get("/openapi.json")).json()
        assert (await gateway.get("/docs")).status_code == 200
    paths = document["paths"]
    assert "/v1/auth/login" in paths and "/v1/admin/clients" in paths and "/v1/admin/dead-letters" in paths
    routed = [path for path in catalog_doc["paths"] if routes_path("catalog", path)]
    assert all(path in paths for path in routed)
    # The catalog's own operations endpoints are not public paths of the platform.
    assert "/v1/{path}" not in paths and "/v1/{path:path}" not in paths
    assert document["info"]["x-services-missing"] == ["intake", "dispatch", "notify"]
    assert set(document["components"]["securitySchemes"]) == {"bearer", "onevisit_hmac"}
    refs = str(document).count("#/components/schemas/")
    missing = [name for name in _referenced(document) if name not in document["components"]["schemas"]]
    assert refs and not missing


OPEN311_RESPONSES = {
    "200": {"description": "services", "content": {"text/xml": {}}},
    "404": {"description": "Open311 error", "content": {"text/xml": {}}},
}


async def test_merged_document_describes_the_gateways_own_problems(
    make_gateway: GatewayFactory, catalog_url: str, stopped_url: str
) -> None:
    # Found by schemathesis: the gateway's own 404 on a routed path was problem+json, which the
    # service's document did not list; and its 503/504 for a service down or slow were undocumented.
    down = {f"{name}_url": stopped_url for name in ("intake", "dispatch", "notify")}
    async with make_gateway(catalog_url=catalog_url, upstream_read_retries=0, **down) as gateway:
        paths = (await gateway.get("/openapi.json")).json()["paths"]
    routed = paths["/v1/bundles/{code}"]["get"]["responses"]
    own = paths["/v1/auth/login"]["post"]["responses"]
    problem = {"$ref": "#/components/schemas/Problem"}
    for responses in (routed, own):
        assert responses["4XX"]["content"]["application/problem+json"]["schema"] == problem
    assert routed["503"]["content"]["application/problem+json"]["schema"] == problem
    assert routed["504"]["content"]["application/problem+json"]["schema"] == problem
    assert routed["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/BundleRead"}
    merged = merge_documents(
        {"paths": {}},
        {"notify": {"paths": {"/open311/v2/services.{format}": {"get": {"responses": OPEN311_RESPONSES}}}}},
    )
    open311 = merged["paths"]["/open311/v2/services.{format}"]["get"]["responses"]
    assert set(open311["404"]["content"]) == {"text/xml", "application/problem+json"}
    assert open311["200"] == OPEN311_RESPONSES["200"]
    # The gateway answers its own paths itself: no service to be down.
    assert "503" not in own and "504" not in own


def _referenced(node: object) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.removeprefix("#/components/schemas/"))
        for value in node.values():
            found |= _referenced(value)
    elif isinstance(node, list):
        for item in node:
            found |= _referenced(item)
    return found


async def _add_dead_letter(url: str, schema: str | None, consumer: str) -> uuid.UUID:
    engine = create_engine(url, schema=schema)
    letter_id = uuid.uuid4()
    async with create_session_factory(engine)() as session:
        session.add(
            DeadLetter(
                id=letter_id,
                consumer=consumer,
                subject="onevisit.notify.replay-test",
                message_key=str(letter_id),
                payload="{}",
                headers={},
                error="boom",
                deliveries=5,
                created_at=utcnow(),
            )
        )
        await session.commit()
    await engine.dispose()
    return letter_id


async def test_dead_letters_of_every_service_in_one_list(
    make_gateway: GatewayFactory, catalog: CatalogProcess, stopped_url: str
) -> None:
    catalog_letter = await _add_dead_letter(catalog.database.url, catalog.database.schema, "catalog-test")
    down = {f"{name}_url": stopped_url for name in ("intake", "dispatch", "notify")}
    async with make_gateway(catalog_url=catalog.url, upstream_read_retries=0, **down) as gateway:
        settings = gateway.app.state.settings  # type: ignore[attr-defined]
        own_letter = await _add_dead_letter(settings.database_url, settings.database_schema, "gateway-test")
        ops = await login(gateway, OPS)
        page = await gateway.get("/v1/admin/dead-letters", headers=ops)
        assert page.status_code == 200, page.text
        body = page.json()
        by_id = {item["id"]: item["service"] for item in body["items"]}
        assert by_id[str(catalog_letter)] == "catalog-svc" and by_id[str(own_letter)] == "gateway"
        assert body["unavailable"] == ["intake", "dispatch", "notify"]
        assert (await gateway.get("/v1/admin/dead-letters", headers=await login(gateway, CITIZEN))).status_code == 403

        replayed = await gateway.post(
            f"/v1/admin/dead-letters/{catalog_letter}/replay", params={"service": "catalog"}, headers=ops
        )
        assert replayed.status_code == 200, replayed.text
        assert replayed.json()["replayed_at"]
        unknown = await gateway.post(
            f"/v1/admin/dead-letters/{uuid.uuid4()}/replay", params={"service": "catalog"}, headers=ops
        )
        assert unknown.status_code == 404
