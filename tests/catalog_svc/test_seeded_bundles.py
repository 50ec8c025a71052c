"""Every seeded bundle publishes and evaluates; one scenario per bundle checks its real logic."""

import httpx
import pytest
import yaml

from tests.catalog_svc.conftest import SEED_DIR

SEEDED = sorted(
    yaml.safe_load(path.read_text(encoding="utf-8"))["code"] for path in (SEED_DIR / "bundles").glob("*.yaml")
)


def codes(entries: list[dict]) -> list[str]:
    return [entry["code"] for entry in entries]


def by_code(entries: list[dict]) -> dict[str, dict]:
    return {entry["code"]: entry for entry in entries}


async def run(client: httpx.AsyncClient, code: str, answers: dict, items: list[str] | None = None) -> dict:
    body: dict = {"answers": answers, **({"items": items} if items is not None else {})}
    response = await client.post(f"/v1/bundles/{code}/evaluate", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_at_least_twelve_bundles_are_seeded() -> None:
    assert len(SEEDED) >= 12


@pytest.mark.parametrize("code", SEEDED)
async def test_every_bundle_evaluates_its_defaults_and_all_of_its_questions(
    catalog: httpx.AsyncClient, code: str
) -> None:
    bundle = (await catalog.get(f"/v1/bundles/{code}")).json()
    result = await run(catalog, code, {})
    assert result["items"], code
    assert result["form"]["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert result["promised_days"] == bundle["promised_days"]
    # Answering every question with a non-default value still evaluates (or refuses cleanly).
    flipped: dict = {}
    for question in bundle["questions"]:
        if question["type"] == "boolean":
            flipped[question["code"]] = not question["default"]
        elif question["type"] == "single":
            flipped[question["code"]] = question["options"][-1]["value"]
        else:
            flipped[question["code"]] = [option["value"] for option in question["options"]]
    response = await catalog.post(f"/v1/bundles/{code}/evaluate", json={"answers": flipped})
    assert response.status_code in (200, 422), response.text
    for material in result["materials"]:
        assert material["items"], material
        if material["issued_by_item"]:
            assert material["required"] is False
            assert material["issued_by_item"] in codes(result["items"])


async def test_b02_simple_deregistration_takes_the_investor_pledge(catalog: httpx.AsyncClient) -> None:
    ordinary = by_code((await run(catalog, "B02", {}))["materials"])
    assert {"RESOLUTION", "LIQ_REPORT"} <= set(ordinary) and "INVESTOR_PLEDGE" not in ordinary
    assert ordinary["TAX_CLEARANCE"]["issued_by_item"] == "I01"
    simple = by_code((await run(catalog, "B02", {"mode": "simple"}))["materials"])
    assert "INVESTOR_PLEDGE" in simple and "LIQ_REPORT" not in simple
    # The notice of deregistration is issued by I02 and fanned out to four partner items.
    assert ordinary["DEREG_NOTICE"]["items"] == ["I04", "I05", "I06", "I07"]
    refused = await catalog.post("/v1/bundles/B02/evaluate", json={"answers": {}, "items": ["I02"]})
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["code"] == "items.bound_group_split"


async def test_b03_restaurant_licence_flows_from_the_business_licence(catalog: httpx.AsyncClient) -> None:
    new_shop = await run(catalog, "B03", {"public_gathering": True, "sells_tobacco": True})
    assert codes(new_shop["items"]) == ["I00", "I01", "I02", "I03", "I04"]
    assert by_code(new_shop["materials"])["BIZ_LICENSE"]["issued_by_item"] == "I00"
    # Tobacco: 20 calendar days → promised 10 working days, on the longest chain after I00 (1).
    assert new_shop["promised_days"] == 11
    licensed = await run(catalog, "B03", {"has_license": True})
    assert by_code(licensed["materials"])["BIZ_LICENSE"]["source"] == "shared"
    rules = by_code(licensed["materials"])["FOOD_SAFETY_RULES"]
    assert rules["deficiency_allowed"] is True and rules["commitment_allowed"] is True


async def test_b04_early_retirement_swaps_the_pension_item(catalog: httpx.AsyncClient) -> None:
    early = await run(catalog, "B04", {"retirement_type": "early", "needs_file_review": True})
    assert "I01" not in codes(early["items"]) and "I01B" in codes(early["items"])
    assert by_code(early["materials"])["RETIREMENT_APPROVAL"]["issued_by_item"] == "I01B"
    assert by_code(early["materials"])["PERSONNEL_FILE"]["items"] == ["I01B"]
    # 提前退休 15 + 医保核定 5 is longer than 15 + 公积金封存 1 + 提取 1.
    assert early["critical_path"] == ["I01B", "I02"]
    assert early["promised_days"] == 20


async def test_b05_unnatural_death_certificate_comes_from_the_police(catalog: httpx.AsyncClient) -> None:
    result = await run(catalog, "B05", {"death_kind": "unnatural"})
    materials = by_code(result["materials"])
    assert materials["DEATH_CERT"]["issued_by_item"] == "I01B"
    assert materials["CREMATION_CERT"]["issued_by_item"] == "I02"
    assert by_code(result["items"])["I03"]["depends_on"] == ["I01B"]


async def test_b06_migrant_children_add_residence_checks(catalog: httpx.AsyncClient) -> None:
    result = await run(catalog, "B06", {"migrant_child": True, "housing": "rent"})
    assert {"I03", "I05"} <= set(codes(result["items"]))
    assert "RENTAL_RECORD" in by_code(result["materials"]) and "REAL_ESTATE" not in by_code(result["materials"])
    assert set(by_code(result["items"])["I01"]["depends_on"]) == {"I02", "I03", "I04", "I05"}


async def test_b07_subsidies_wait_for_the_certificate(catalog: httpx.AsyncClient) -> None:
    result = await run(catalog, "B07", {"low_income": True, "severity": "severe"})
    assert codes(result["items"]) == ["I01", "I02", "I03"]
    assert by_code(result["materials"])["DISABILITY_CERT"]["issued_by_item"] == "I01"
    assert result["promised_days"] == 30
    holder = await run(catalog, "B07", {"certificate": "holder", "low_income": True})
    assert by_code(holder["materials"])["DISABILITY_CERT"]["required"] is True


async def test_b08_multiple_choice_switches_each_connection(catalog: httpx.AsyncClient) -> None:
    result = await run(catalog, "B08", {"services": ["water", "power"]})
    assert codes(result["items"]) == ["I01", "I02"]
    assert by_code(result["materials"])["UTILITY_FORM"]["items"] == ["I01", "I02"]


async def test_b09_repair_follows_the_record_type(catalog: httpx.AsyncClient) -> None:
    result = await run(catalog, "B09", {"record_type": ["penalty", "abnormal"], "domain": "market"})
    assert codes(result["items"]) == ["I01", "I03"]
    nothing = await catalog.post("/v1/bundles/B09/evaluate", json={"answers": {"record_type": []}})
    assert nothing.status_code == 422 and nothing.json()["problems"][0]["code"] == "items.none_applicable"


async def test_b10_partner_updates_follow_the_new_licence(catalog: httpx.AsyncClient) -> None:
    result = await run(catalog, "B10", {"changes": ["capital"]})
    assert "RESOLUTION" in by_code(result["materials"])
    assert by_code(result["materials"])["NEW_BIZ_LICENSE"]["items"] == ["I02", "I03", "I04", "I05"]


async def test_b11_employee_hiring_registers_instantly(catalog: httpx.AsyncClient) -> None:
    result = await run(catalog, "B11", {})
    assert by_code(result["items"])["I01"]["instant_decision"]["rule"] == "identity_and_age_verified"
    assert by_code(result["materials"])["EMPLOYMENT_CONTRACT"]["deficiency_days"] == 5


async def test_b15_conversion_keeps_the_code(catalog: httpx.AsyncClient) -> None:
    result = await run(catalog, "B15", {"target_form": "sole", "open_fund": True})
    assert "RESOLUTION" not in by_code(result["materials"])
    assert "I04" in codes(result["items"])
