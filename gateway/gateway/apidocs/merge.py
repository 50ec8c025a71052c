"""One OpenAPI document from the services' documents and the gateway's own paths.

Only the paths the gateway routes to a service are taken from it (never its /healthz or its
own admin lists), and a schema name two services use for different shapes is prefixed with
the service's name, with every reference to it rewritten."""

import time
from typing import Any

from fastapi import FastAPI

from gateway.routing import routes_path
from gateway.state import GatewayState
from onevisit.errors import PROBLEM_MEDIA_TYPE, OneVisitError

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


PROBLEM_SCHEMA = {"$ref": "#/components/schemas/Problem"}
HTTP_METHODS = frozenset({"get", "head", "post", "put", "patch", "delete", "options", "trace"})


def _problem_response(description: str, example: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_SCHEMA, "example": example}},
    }


# What the gateway itself answers on any path it routes, whatever the service documents.
SERVICE_DOWN = _problem_response(
    "服务暂时不可用（problem+json 的 service 指明哪个服务）",
    {"title": "服务暂时不可用，请稍后再试", "status": 503, "code": "service_unavailable", "service": "intake"},
)
SERVICE_TIMEOUT = _problem_response(
    "服务响应超时",
    {"title": "服务响应超时，请稍后再试", "status": 504, "code": "service_timeout", "service": "intake"},
)


def _is_client_error(status: str) -> bool:
    return status.upper() == "4XX" or (status.isdigit() and 400 <= int(status) < 500)


def _with_problem_content(response: dict[str, Any]) -> dict[str, Any]:
    content = dict(response.get("content", {}))
    if not content.get(PROBLEM_MEDIA_TYPE, {}).get("schema"):
        content[PROBLEM_MEDIA_TYPE] = {"schema": PROBLEM_SCHEMA}
    return {**response, "content": content}


def _with_gateway_problems(operation: dict[str, Any], *, routed: bool) -> dict[str, Any]:
    """Every 4xx may be the gateway's own problem+json (401, 403, 404, 413, 429), whatever media
    types a service lists for it (Open311 lists only its own), and with the Problem schema even
    where a service documents the media type bare; a routed path may also be 503 or 504 when its
    service is down or slow."""
    responses = dict(operation.get("responses", {}))
    responses.setdefault("4XX", {"description": "problem+json 错误"})
    responses = {
        status: _with_problem_content(response) if _is_client_error(status) else response
        for status, response in responses.items()
    }
    if routed:
        responses.setdefault("503", SERVICE_DOWN)
        responses.setdefault("504", SERVICE_TIMEOUT)
    return {**operation, "responses": responses}


def _with_gateway_problems_everywhere(paths: dict[str, Any], routed: set[str]) -> dict[str, Any]:
    return {
        path: {
            key: _with_gateway_problems(value, routed=path in routed) if key in HTTP_METHODS else value
            for key, value in item.items()
        }
        for path, item in paths.items()
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
    routed: set[str] = set()
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
                routed.add(path)
    merged["paths"] = dict(sorted(_with_gateway_problems_everywhere(paths, routed).items()))
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
