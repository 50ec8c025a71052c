"""One OpenAPI document from the services' documents and the gateway's own paths.

Only the paths the gateway routes to a service are taken from it (never its /healthz or its
own admin lists), and a schema name two services use for different shapes is prefixed with
the service's name, with every reference to it rewritten."""

import time
from typing import Any

from fastapi import FastAPI

from gateway.routing import routes_path
from gateway.state import GatewayState
from onevisit.errors import OneVisitError

# Retry soon when a service was missing from the last document, so a late starter shows up.
INCOMPLETE_CACHE_SECONDS = 5.0
SECURITY_SCHEMES = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "POST /v1/auth/login 取得的登录凭证",
    },
    "onevisit_hmac": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "OneVisit-HMAC key=<key id>, ts=<unix>, nonce=<random>, sig=<hex HMAC-SHA256 of "
        '"METHOD\\nPATH?QUERY\\nts\\nnonce\\nsha256(body)">',
    },
}


def _rewrite_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.removeprefix("#/components/schemas/")
            if name in renames:
                node = {**node, "$ref": f"#/components/schemas/{renames[name]}"}
        return {key: _rewrite_refs(value, renames) for key, value in node.items()}
    if isinstance(node, list):
        return [_rewrite_refs(item, renames) for item in node]
    return node


def merge_documents(own: dict[str, Any], services: dict[str, dict[str, Any]]) -> dict[str, Any]:
    merged = {key: value for key, value in own.items() if key not in ("paths", "components")}
    paths: dict[str, Any] = {path: item for path, item in own.get("paths", {}).items()}
    schemas: dict[str, Any] = dict(own.get("components", {}).get("schemas", {}))
    for service, document in services.items():
        their_schemas = document.get("components", {}).get("schemas", {})
        renames = {
            name: f"{service}.{name}"
            for name, schema in their_schemas.items()
            if name in schemas and schemas[name] != schema
        }
        for name, schema in their_schemas.items():
            schemas[renames.get(name, name)] = _rewrite_refs(schema, renames)
        for path, item in document.get("paths", {}).items():
            if routes_path(service, path) and path not in paths:
                tagged = _rewrite_refs(item, renames)
                for operation in tagged.values():
                    if isinstance(operation, dict) and "responses" in operation:
                        operation.setdefault("tags", [service])
                        operation["operationId"] = f"{service}_{operation.get('operationId', path)}"
                paths[path] = tagged
    merged["paths"] = dict(sorted(paths.items()))
    merged["components"] = {
        **own.get("components", {}),
        "schemas": dict(sorted(schemas.items())),
        "securitySchemes": SECURITY_SCHEMES,
    }
    merged["security"] = [{}, {"bearer": []}, {"onevisit_hmac": []}]
    return merged


async def merged_openapi(app: FastAPI, gateway: GatewayState) -> dict[str, Any]:
    """The merged document, cached; rebuilt after `openapi_cache_seconds` (sooner when incomplete)."""
    cache = gateway.openapi_cache
    if cache and time.monotonic() < cache["fresh_until"]:
        return cache["document"]
    documents: dict[str, dict[str, Any]] = {}
    missing = []
    for service in gateway.upstream.services:
        try:
            status, document = await gateway.upstream.get_json(service, "/openapi.json", headers=[])
        except OneVisitError:
            status, document = 503, None
        if status == 200 and isinstance(document, dict):
            documents[service] = document
        else:
            missing.append(service)
    merged = merge_documents(app.openapi(), documents)
    merged["info"] = {**merged.get("info", {}), "x-services-missing": missing}
    ttl = INCOMPLETE_CACHE_SECONDS if missing else gateway.settings.openapi_cache_seconds
    cache.update(document=merged, fresh_until=time.monotonic() + ttl)
    return merged
