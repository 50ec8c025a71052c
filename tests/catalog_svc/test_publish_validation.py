"""Publish validation: one test per rule, and every problem listed at once."""

import copy
from typing import Any

import httpx
import pytest

from catalog_svc.bundles.definition import BundleDefinition
from catalog_svc.bundles.validation import validate_definition

DICTIONARIES = {
    "departments": {"health", "public_security", "hrss"},
    "materials": {"BIRTH_MED_CERT", "ID_CARD", "DNA_REPORT", "HUKOU_NEWBORN"},
    "fields": {"child.name", "applicant.id_number", "child.id_number"},
    "sections": {"child", "applicant"},
}


def limit(value: int, unit: str = "working_days") -> dict[str, Any]:
    return {"value": value, "unit": unit}


VALID: dict[str, Any] = {
    "code": "T01",
    "name": "测试一件事",
    "audience": "person",
    "category": "测试",
    "lead_department": "health",
    "partner_departments": ["public_security"],
    "questions": [
        {"code": "out_of_hospital", "text": "院外出生？", "type": "boolean", "default": False},
        {
            "code": "side",
            "text": "随谁落户",
            "type": "single",
            "options": [{"value": "father", "label": "父"}, {"value": "mother", "label": "母"}],
            "default": "mother",
        },
    ],
    "rules": [
        {"id": "R1", "when": {"side": "father"}, "enable_materials": ["B:DNA_REPORT"]},
    ],
    "items": [
        {
            "code": "A",
            "name": "出生医学证明",
            "department": "health",
            "materials": [{"code": "ID_CARD"}],
            "fields": [{"key": "child.name"}],
            "legal_limit": limit(1),
            "promised_limit": limit(0),
            "results": [{"name": "出生医学证明", "material": "BIRTH_MED_CERT"}],
        },
        {
            "code": "B",
            "name": "出生登记",
            "department": "public_security",
            "materials": [{"code": "BIRTH_MED_CERT"}, {"code": "DNA_REPORT", "enabled_by_default": False}],
            "fields": [{"key": "child.name"}, {"key": "applicant.id_number"}],
            "legal_limit": limit(5),
            "promised_limit": limit(1),
            "results": [{"name": "户口", "material": "HUKOU_NEWBORN"}],
        },
        {
            "code": "C",
            "name": "社保卡",
            "department": "hrss",
            "materials": [{"code": "HUKOU_NEWBORN"}],
            "legal_limit": limit(14, "calendar_days"),
            "promised_limit": limit(10),
        },
    ],
    "dependencies": [
        {"item": "B", "depends_on": "A", "kind": "material", "material": "BIRTH_MED_CERT"},
        {"item": "C", "depends_on": "B"},
    ],
    "bound_groups": [["B", "C"]],
}


def problems_of(data: dict[str, Any]) -> list[tuple[str, str | None]]:
    definition = BundleDefinition.model_validate(data)
    return [(p.code, p.field) for p in validate_definition(definition, **DICTIONARIES)]


def changed(edit) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    edit(data)
    return data


def test_the_reference_definition_is_valid() -> None:
    assert problems_of(VALID) == []


def test_dependency_cycle() -> None:
    data = changed(lambda d: d["dependencies"].append({"item": "A", "depends_on": "C"}))
    assert ("dependency.cycle", "dependencies") in problems_of(data)


def test_unknown_material() -> None:
    data = changed(lambda d: d["items"][2]["materials"].append({"code": "UNICORN"}))
    assert problems_of(data) == [("material.unknown", "items.C.materials")]


def test_unknown_field() -> None:
    data = changed(lambda d: d["items"][0]["fields"].append({"key": "child.shoe_size"}))
    assert problems_of(data) == [("field.unknown", "items.A.fields")]


def test_unknown_department() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["items"][1]["department"] = "ministry_of_magic"
        d["partner_departments"].append("ministry_of_magic")

    assert problems_of(changed(edit)) == [
        ("department.unknown", "partner_departments"),
        ("department.unknown", "items.B.department"),
    ]


def test_unknown_question_in_a_rule() -> None:
    data = changed(lambda d: d["rules"].append({"id": "R2", "when": {"twins": True}, "disable_items": ["C"]}))
    assert problems_of(data) == [("question.unknown", "rules.R2.when")]


def test_unknown_option_in_a_rule() -> None:
    data = changed(lambda d: d["rules"][0]["when"].update({"side": "grandma"}))
    assert problems_of(data) == [("question.unknown_option", "rules.R1.when")]


def test_issued_material_must_precede_its_consumer() -> None:
    # B consumes BIRTH_MED_CERT issued by A, but no longer waits for A.
    data = changed(lambda d: d["dependencies"].pop(0))
    assert problems_of(data) == [("material.issued_not_preceding", "items.B.materials")]


def test_issued_material_preceding_transitively_is_fine() -> None:
    # C also needs BIRTH_MED_CERT: A precedes it through B.
    data = changed(lambda d: d["items"][2]["materials"].append({"code": "BIRTH_MED_CERT"}))
    assert problems_of(data) == []


def test_promised_limit_longer_than_legal() -> None:
    data = changed(lambda d: d["items"][1].update(promised_limit=limit(6)))
    assert problems_of(data) == [("limit.promised_exceeds_legal", "items.B.promised_limit")]


def test_promised_limit_compared_across_units() -> None:
    # C: legal 14 calendar days = ceil(14×5/7) = 10 working days; promising 11 is too long.
    assert problems_of(changed(lambda d: d["items"][2].update(promised_limit=limit(10)))) == []
    data = changed(lambda d: d["items"][2].update(promised_limit=limit(11)))
    assert problems_of(data) == [("limit.promised_exceeds_legal", "items.C.promised_limit")]


def test_unknown_items_in_dependencies_groups_and_rules() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["dependencies"].append({"item": "Z", "depends_on": "A"})
        d["bound_groups"].append(["A", "Y"])
        d["rules"][0]["disable_items"] = ["X"]

    codes = problems_of(changed(edit))
    assert codes == [("item.unknown", "dependencies.Z"), ("item.unknown", "bound_groups"), ("item.unknown", "rules.R1")]


def test_every_problem_is_listed_at_once() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["dependencies"].append({"item": "A", "depends_on": "C"})
        d["items"][0]["materials"].append({"code": "UNICORN"})
        d["items"][0]["fields"].append({"key": "child.shoe_size"})
        d["items"][0]["department"] = "ministry_of_magic"
        d["rules"][0]["when"] = {"twins": True}
        d["items"][1]["promised_limit"] = limit(9)

    codes = {code for code, _ in problems_of(changed(edit))}
    assert codes == {
        "dependency.cycle",
        "material.unknown",
        "field.unknown",
        "department.unknown",
        "question.unknown",
        "limit.promised_exceeds_legal",
    }


@pytest.fixture
def ops(identity_header) -> dict[str, str]:
    return identity_header(subject="ops-1", role="ops")


async def test_publish_over_http_refuses_with_every_problem(
    writable_catalog: httpx.AsyncClient, ops: dict[str, str]
) -> None:
    broken = changed(lambda d: d["items"][1].update(promised_limit=limit(9), department="ministry_of_magic"))
    created = await writable_catalog.post("/v1/admin/catalog/bundles", json=broken, headers=ops)
    assert created.status_code == 201, created.text
    refused = await writable_catalog.post("/v1/admin/catalog/bundles/T01/publish", headers=ops)
    assert refused.status_code == 422
    assert refused.json()["code"] == "bundle_invalid"
    assert {p["code"] for p in refused.json()["problems"]} == {"limit.promised_exceeds_legal", "department.unknown"}
    # Nothing was published.
    assert (await writable_catalog.get("/v1/bundles/T01")).status_code == 404
