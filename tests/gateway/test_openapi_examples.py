"""Every service's OpenAPI document shows an example for each JSON request body and each 200/201
JSON response (the mini-program and department developers work from these documents), and every
example a component schema carries is valid against that schema.

The documents are read from each service's `create_app()` with default settings: building the app
does not start it, so no database or NATS is needed. /healthz, /readyz and /metrics are exempt:
their bodies are a two-field status object and Prometheus text, documented in onevisit.service."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from jsonschema import Draft202012Validator, FormatChecker

from catalog_svc.main import create_app as create_catalog
from dispatch_svc.main import create_app as create_dispatch
from gateway.main import create_app as create_gateway
from intake_svc.main import create_app as create_intake
from notify_svc.main import create_app as create_notify

SERVICES: dict[str, Callable[[], FastAPI]] = {
    "gateway": create_gateway,
    "catalog-svc": create_catalog,
    "intake-svc": create_intake,
    "dispatch-svc": create_dispatch,
    "notify-svc": create_notify,
}
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
DOCUMENTED_STATUSES = ("200", "201")
JSON = "application/json"
HTTP_METHODS = frozenset({"get", "head", "post", "put", "patch", "delete"})

# Not documented yet, each with its owner: none today. An entry that gains its example makes
# test_known_gaps_are_still_gaps fail, so it is removed here and checked like the rest.
KNOWN_MISSING_EXAMPLES: dict[str, frozenset[str]] = {}
# Examples that do not match their own schema: none today. FastAPI strips nulls out of examples;
# onevisit.openapi puts them back, so a null in a model's example stays valid here.
KNOWN_INVALID_EXAMPLES: dict[str, frozenset[str]] = {}


@pytest.fixture(scope="module", params=sorted(SERVICES))
def service(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def document(service: str) -> dict[str, Any]:
    return SERVICES[service]().openapi()


def _component(document: dict[str, Any], ref: str) -> dict[str, Any]:
    return document["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def _has_example(document: dict[str, Any], schema: dict[str, Any]) -> bool:
    """An example on the schema itself, on the component it references, or (for a list) on the
    component of its items; a union is shown when every branch but null (an absent body) is."""
    if "example" in schema or schema.get("examples"):
        return True
    if "$ref" in schema:
        return _has_example(document, _component(document, schema["$ref"]))
    if schema.get("type") == "array" and "items" in schema:
        return _has_example(document, schema["items"])
    branches = [branch for branch in schema.get("anyOf") or schema.get("oneOf") or [] if branch != {"type": "null"}]
    return bool(branches) and all(_has_example(document, branch) for branch in branches)


def _media_has_example(document: dict[str, Any], media: dict[str, Any]) -> bool:
    if "example" in media or media.get("examples"):
        return True
    return _has_example(document, media.get("schema", {}))


def _json_bodies(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, media type) for every JSON request body and 200/201 JSON response."""
    for path, operations in document["paths"].items():
        if path in EXEMPT_PATHS:
            continue
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            where = f"{method.upper()} {path}"
            request = operation.get("requestBody", {}).get("content", {})
            if JSON in request:
                yield f"{where} request body", request[JSON]
            for status in DOCUMENTED_STATUSES:
                content = operation.get("responses", {}).get(status, {}).get("content", {})
                if JSON in content:
                    yield f"{where} {status} response", content[JSON]


def _missing_examples(document: dict[str, Any]) -> set[str]:
    return {where for where, media in _json_bodies(document) if not _media_has_example(document, media)}


def _invalid_examples(document: dict[str, Any]) -> dict[str, list[str]]:
    """Component name → what is wrong with its examples, for the components with a wrong one."""
    invalid: dict[str, list[str]] = {}
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        # The component is checked inside the whole document, so its $refs resolve.
        validator = Draft202012Validator(
            {**schema, "components": document["components"]}, format_checker=FormatChecker()
        )
        errors = [
            f"example {index}: {error.message}"
            for index, example in enumerate(schema.get("examples", []))
            for error in validator.iter_errors(example)
        ]
        if errors:
            invalid[name] = errors
    return invalid


def test_every_json_body_has_an_example(service: str, document: dict[str, Any]) -> None:
    missing = _missing_examples(document) - KNOWN_MISSING_EXAMPLES.get(service, frozenset())
    assert missing == set(), f"{service}: no example for {sorted(missing)}"


def test_every_component_example_is_valid(service: str, document: dict[str, Any]) -> None:
    invalid = _invalid_examples(document)
    unexpected = {
        name: errors for name, errors in invalid.items() if name not in KNOWN_INVALID_EXAMPLES.get(service, ())
    }
    assert unexpected == {}, f"{service}: {unexpected}"


def test_known_gaps_are_still_gaps(service: str, document: dict[str, Any]) -> None:
    """A gap closed since it was listed: remove it from KNOWN_* so it is checked from now on."""
    assert KNOWN_MISSING_EXAMPLES.get(service, frozenset()) <= _missing_examples(document)
    assert set(KNOWN_INVALID_EXAMPLES.get(service, ())) <= set(_invalid_examples(document))


def test_the_checks_can_fail() -> None:
    """Guards the helpers above: a body without an example and a wrong example are both caught."""
    document = create_catalog().openapi()
    assert _has_example(document, {"$ref": "#/components/schemas/BundleRead"})
    assert not _has_example(document, {"type": "object"})
    bundle = document["components"]["schemas"]["BundleRead"]
    bundle["examples"] = [{**bundle["examples"][0], "version": "一"}]
    assert "BundleRead" in _invalid_examples(document)
