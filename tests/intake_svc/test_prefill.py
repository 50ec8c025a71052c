"""Shared-data providers over HTTP (outside the project, so stood in by an httpx transport): values
come with their source; a provider that is down leaves the field empty and never fails the draft;
after repeated failures the circuit opens and the provider is left alone."""

import json
from typing import Any

import httpx
import pytest

from tests.intake_svc.conftest import Intake


class PopulationRegistry:
    """The outside 人口库 service: answers, or is down."""

    def __init__(self) -> None:
        self.up = True
        self.calls = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if not self.up:
            raise httpx.ConnectError("connection refused", request=request)
        asked = json.loads(request.content)
        values = {"mother.name": "张三", "mother.id_number": asked["subject"], "father.name": None}
        return httpx.Response(200, json={"values": {k: v for k, v in values.items() if k in asked["fields"]}})


@pytest.fixture
def registry() -> PopulationRegistry:
    return PopulationRegistry()


@pytest.fixture
def intake_options(registry: PopulationRegistry) -> dict[str, Any]:
    return {
        "prefill_providers": {"mother": "http://population.example.gov"},
        "prefill_breaker_failures": 2,
        "prefill_breaker_cooldown_seconds": 60,
        "provider_transport": httpx.MockTransport(registry.handle),
    }


async def test_provider_values_are_prefilled_with_their_source(intake: Intake, registry: PopulationRegistry) -> None:
    draft = await intake.draft()
    assert draft["form_data"]["mother"] == {"name": "张三", "id_number": "11010519491231002X"}
    assert draft["prefill_sources"]["mother.name"] == {"source": "provider:mother", "authoritative": True}
    assert "father" not in draft["form_data"]  # the provider had nothing: left for the applicant
    assert registry.calls == 1


async def test_a_provider_that_is_down_never_fails_the_draft_and_its_circuit_opens(
    intake: Intake, registry: PopulationRegistry
) -> None:
    registry.up = False
    for _ in range(3):
        draft = await intake.draft()
        assert "mother" not in draft["form_data"]
        assert draft["form_data"]["applicant"]["id_number"]  # the other sources still fill theirs
    assert registry.calls == 2  # open after two failures: the third draft did not wait for it
