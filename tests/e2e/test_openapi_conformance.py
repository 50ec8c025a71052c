"""schemathesis against the gateway's merged OpenAPI document (issue 7): every operation, called
through the gateway of a real stack as a role the routing table lets through, answers no 5xx and
nothing its document does not describe, and every refusal is problem+json in Chinese.

An operation whose path names a bundle, an application or a ticket runs twice: with generated
identifiers (404s, odd characters) and with ones that exist (the newborn bundle, the citizen's
draft, a ticket), so the checks reach past 404 into the services' logic.

Operations with a defect owned by another service are kept out of the main test and listed in
KNOWN_DEFECTS, each run on its own: xfail while the defect reproduces, a failure once it no longer
does, so the entry is removed and the operation joins the main test again.
"""

import re
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.pytest._test_builder import build_operation_test
from schemathesis.schemas import APIOperation

from gateway.routing import match_rule
from onevisit.devstack import Stack
from tests.e2e.flow import CITIZEN, login, newborn_bundle_code

# Bounded so the whole module stays within a few minutes on two cores: the coverage phase adds
# its boundary cases on top of these.
EXAMPLES_PER_OPERATION = 15
CJK = re.compile(r"[\u4e00-\u9fff]")

LOGINS = {
    "citizen": CITIZEN,
    "clerk": {"provider": "dev", "subject": "clerk-0001", "name": "王五", "role": "clerk"},
    "department": {
        "provider": "dev",
        "subject": "staff-0001",
        "name": "李四",
        "role": "department",
        "department": "GA",
    },
    "ops": {"provider": "dev", "subject": "ops-0001", "name": "赵六", "role": "ops"},
}
# Preferred in this order when a path lets several roles through.
ROLE_PREFERENCE = ("citizen", "clerk", "ops", "department")


@dataclass(frozen=True)
class KnownDefect:
    method: str
    path: str
    owner: str
    what: str


# None today: the intake bundle_code, notify duplicate-ticket and dispatch webhook URL defects it
# listed are fixed. An entry names a defect the suite has found but its owner has not fixed yet.
KNOWN_DEFECTS: tuple[KnownDefect, ...] = ()


def role_for(method: str, path_template: str) -> str:
    """The role that may call an operation: from the gateway's routing table, else the gateway's own
    paths (its /v1/admin is the operator's)."""
    concrete = re.sub(r"\{[^}]+\}", "x", path_template)
    rule = match_rule(method.upper(), concrete)
    if rule is None:
        return "ops" if concrete.startswith("/v1/admin") else "citizen"
    return next(role for role in ROLE_PREFERENCE if role in rule.roles)


def problem_details(ctx: Any, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """CONVENTIONS.md: every refusal is problem+json with a stable code and a Chinese title.
    Open311 answers its errors in the GeoReport v2 shape its clients expect."""
    if response.status_code < 400 or case.method.upper() == "HEAD" or case.path.startswith("/open311/"):
        return
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.startswith("application/problem+json"), f"{response.status_code} 的类型为 {content_type!r}"
    body = response.json()
    assert body.get("status") == response.status_code, f"problem status {body.get('status')} ≠ {response.status_code}"
    assert isinstance(body.get("code"), str) and body["code"], f"problem 缺少 code: {body}"
    assert CJK.search(str(body.get("title", ""))), f"problem title 不是中文: {body.get('title')!r}"


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def tokens(stack: Stack) -> dict[str, dict[str, str]]:
    with httpx.Client(base_url=stack.gateway_url, timeout=30) as client:
        return {role: login(client, body) for role, body in LOGINS.items()}


def _existing_ids(stack: Stack, tokens: dict[str, dict[str, str]]) -> dict[str, str]:
    """Path identifiers that exist, so generated requests reach past 404 into the services' logic."""
    with httpx.Client(base_url=stack.gateway_url, timeout=30) as client:
        code = newborn_bundle_code(client)
        draft = client.post("/v1/applications", json={"bundle_code": code, "answers": {}}, headers=tokens["citizen"])
        assert draft.status_code == 201, draft.text
        ticket = client.post(
            "/v1/tickets",
            json={"type": "query", "content": f"新生儿落户需要哪些材料？{uuid.uuid4().hex[:6]}", "source": "web"},
            headers=tokens["citizen"],
        )
        assert ticket.status_code == 201, ticket.text
    return {"code": code, "application_id": draft.json()["id"], "ticket_id": ticket.json()["id"]}


@dataclass(frozen=True)
class Schemas:
    """The merged document loaded twice: identifiers generated, and identifiers that exist."""

    generated_ids: schemathesis.BaseSchema
    existing_ids: schemathesis.BaseSchema
    existing: dict[str, str]


def _load(document: dict[str, Any], base_url: str, parameters: dict[str, str]) -> schemathesis.BaseSchema:
    config = schemathesis.Config.from_dict(
        {
            "base-url": base_url,
            "parameters": {f"path.{name}": value for name, value in parameters.items()},
            "generation": {"mode": "all", "deterministic": True, "database": "none"},
        }
    )
    return schemathesis.openapi.from_dict(document, config=config)


@pytest.fixture(scope="module")
def schemas(stack: Stack, tokens: dict[str, dict[str, str]]) -> Schemas:
    document = httpx.get(f"{stack.gateway_url}/openapi.json", timeout=30).json()
    assert document["info"]["x-services-missing"] == [], document["info"]
    existing = _existing_ids(stack, tokens)
    return Schemas(
        generated_ids=_load(document, stack.gateway_url, {}),
        existing_ids=_load(document, stack.gateway_url, existing),
        existing=existing,
    )


CONFORMANCE_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _call_and_validate(case: schemathesis.Case, tokens: dict[str, dict[str, str]], stack: Stack) -> None:
    headers = tokens[role_for(case.method, case.path)]
    if case.path == "/v1/auth/logout":
        # Logging out revokes the token it is called with: spend a fresh one, not the shared one.
        with httpx.Client(base_url=stack.gateway_url, timeout=30) as client:
            headers = login(client, CITIZEN)
    case.call_and_validate(headers=headers, checks=CHECKS, additional_checks=[problem_details], timeout=30)


def failures_of(operation: APIOperation, tokens: dict[str, dict[str, str]], stack: Stack) -> str | None:
    """Run one operation's examples, coverage cases (boundaries, invalid values) and generated cases;
    schemathesis' report of what failed, or None.

    Built as schemathesis' pytest plugin builds it; the plugin's own `parametrize()` is not used
    because its lazy mode reads a pytest attribute pytest 9 no longer has (`_nodeid`).
    """
    test = build_operation_test(
        config=operation.schema.config,
        operation=operation,
        test_func=lambda case: _call_and_validate(case, tokens, stack),
        given_kwargs={},
        feedback=FeedbackSources(),
        explicit_settings=CONFORMANCE_SETTINGS,
    )
    try:
        test()
    except (Exception, FailureGroup) as failure:  # FailureGroup is a BaseExceptionGroup
        return str(failure) or repr(failure)
    return None


def _label(defect: KnownDefect) -> str:
    return f"{defect.method} {defect.path}"


def _runs(schemas: Schemas, operation: APIOperation) -> list[tuple[str, APIOperation]]:
    """The operation with generated identifiers and, when every one of them can name something
    that exists, again with those."""
    runs = [(operation.label, operation)]
    names = set(re.findall(r"\{([^}]+)\}", operation.path))
    if names and names <= schemas.existing.keys():
        runs.append((f"{operation.label} (existing ids)", schemas.existing_ids[operation.path][operation.method]))
    return runs


def test_every_operation_conforms(schemas: Schemas, tokens: dict[str, dict[str, str]], stack: Stack) -> None:
    known = {_label(defect) for defect in KNOWN_DEFECTS}
    operations = [result.ok() for result in schemas.generated_ids.get_all_operations()]
    tested = [operation for operation in operations if operation.label not in known]
    # Every path of API.md's families is in the document; a shrunken document must not pass quietly.
    assert len(tested) >= 60, [operation.label for operation in operations]
    runs = [run for operation in tested for run in _runs(schemas, operation)]
    failures = {}
    for label, operation in runs:
        report = failures_of(operation, tokens, stack)
        if report is not None:
            failures[label] = report
    assert not failures, f"{len(failures)} of {len(runs)} runs fail:\n\n" + "\n\n".join(
        f"=== {label} (as {role_for(*label.split(' ')[:2])})\n{report}" for label, report in failures.items()
    )


@pytest.mark.parametrize("defect", KNOWN_DEFECTS, ids=_label)
def test_known_defect_still_fails(
    defect: KnownDefect, schemas: Schemas, tokens: dict[str, dict[str, str]], stack: Stack
) -> None:
    operation = schemas.generated_ids[defect.path][defect.method]
    report = failures_of(operation, tokens, stack)
    if report is None:
        pytest.fail(f"{_label(defect)} now conforms: remove it from KNOWN_DEFECTS so the main test covers it")
    pytest.xfail(f"{defect.owner}: {defect.what}\n{report}")
