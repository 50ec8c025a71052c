"""The newborn bundle (B01): the one notice for the scenarios that matter."""

import httpx


def by_code(entries: list[dict]) -> dict[str, dict]:
    return {entry["code"]: entry for entry in entries}


async def evaluate(client: httpx.AsyncClient, answers: dict, items: list[str] | None = None) -> httpx.Response:
    body: dict = {"answers": answers}
    if items is not None:
        body["items"] = items
    return await client.post("/v1/bundles/B01/evaluate", json=body)


async def test_birth_certificate_is_asked_from_nobody(catalog: httpx.AsyncClient) -> None:
    response = await evaluate(catalog, {})
    assert response.status_code == 200, response.text
    result = response.json()
    assert [item["code"] for item in result["items"]] == ["I01", "I02", "I03", "I04", "I05", "I06", "I08", "I09"]
    materials = by_code(result["materials"])
    cert = materials["BIRTH_MED_CERT"]
    assert cert["issued_by_item"] == "I01"
    assert cert["required"] is False
    assert cert["source"] == "issued_in_bundle"
    assert cert["items"] == ["I03", "I04", "I06"]
    assert materials["HUKOU_NEWBORN"]["issued_by_item"] == "I03"
    assert "BIRTH_MED_CERT" not in {m["code"] for m in result["guide"]["materials"]}
    # De-duplicated: the parents' ID card is asked once for the two items that need it.
    assert [m["code"] for m in result["materials"]].count("ID_CARD") == 1
    assert materials["ID_CARD"]["items"] == ["I01", "I03"]
    assert "DNA_REPORT" not in materials
    assert materials["MARRIAGE"]["required"] is True


async def test_unmarried_parents_child_with_father_adds_paternity_report(catalog: httpx.AsyncClient) -> None:
    result = (await evaluate(catalog, {"marital_status": "unmarried", "household_side": "father"})).json()
    materials = by_code(result["materials"])
    assert materials["DNA_REPORT"]["required"] is True
    assert materials["DNA_REPORT"]["items"] == ["I03"]
    assert materials["DNA_REPORT"]["issued_by_item"] is None
    assert "NONMARITAL_STMT" in materials
    assert "MARRIAGE" not in materials
    i03 = by_code(result["items"])["I03"]
    assert "DNA_REPORT" in i03["materials"] and "MARRIAGE" not in i03["materials"]


async def test_unmarried_parents_child_with_mother_needs_no_paternity_report(catalog: httpx.AsyncClient) -> None:
    result = (await evaluate(catalog, {"marital_status": "unmarried", "household_side": "mother"})).json()
    materials = by_code(result["materials"])
    assert "DNA_REPORT" not in materials
    assert "NONMARITAL_STMT" in materials


async def test_reissue_asks_the_existing_certificate(catalog: httpx.AsyncClient) -> None:
    result = (await evaluate(catalog, {"first_issue": False})).json()
    assert "I01" not in {item["code"] for item in result["items"]}
    cert = by_code(result["materials"])["BIRTH_MED_CERT"]
    assert cert["issued_by_item"] is None
    assert cert["required"] is True
    # Without I01 nobody produces the certificate number: the applicant types it.
    child = result["form"]["properties"]["child"]
    assert "readOnly" not in child["properties"]["medical_cert_no"]
    assert "medical_cert_no" in child["required"]


async def test_merged_form_is_json_schema_by_section(catalog: httpx.AsyncClient) -> None:
    form = (await evaluate(catalog, {})).json()["form"]
    assert form["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert list(form["properties"])[:5] == ["applicant", "child", "mother", "father", "household"]
    id_number = form["properties"]["applicant"]["properties"]["id_number"]
    assert id_number["x-validator"] == "resident_id"
    assert id_number["x-personal-data"] is True
    assert id_number["x-items"] == ["I03", "I06"]
    assert form["properties"]["child"]["properties"]["birth_date"]["format"] == "date"
    # The certificate number and the child's ID number come from I01 and I03, never typed.
    child = form["properties"]["child"]
    assert child["properties"]["medical_cert_no"]["readOnly"] is True
    assert child["properties"]["medical_cert_no"]["x-produced-by-item"] == "I01"
    assert child["properties"]["id_number"]["x-produced-by-item"] == "I03"
    assert "medical_cert_no" not in child["required"]
    # father.name is optional for I01 and required for I03: required once any item requires it.
    assert "name" in form["properties"]["father"]["required"]
    assert "ethnicity" not in form["properties"]["father"].get("required", [])


async def test_promised_days_follow_the_critical_path(catalog: httpx.AsyncClient) -> None:
    result = (await evaluate(catalog, {})).json()
    # I01 (即办, 0) → I03 (1) → I06 (3) is longer than I01 → I03 → I04 (1) → I05 (1).
    assert result["critical_path"] == ["I01", "I03", "I06"]
    assert result["promised_days"] == 4
    without_ssc = (await evaluate(catalog, {"social_security_card": False})).json()
    assert without_ssc["critical_path"] == ["I01", "I03", "I04", "I05"]
    assert without_ssc["promised_days"] == 3


async def test_subset_splitting_a_bound_group_is_refused(catalog: httpx.AsyncClient) -> None:
    response = await evaluate(catalog, {}, items=["I01", "I03", "I04", "I07"])
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert {p["code"] for p in problems} == {"items.bound_group_split", "items.not_applicable"}
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_subset_keeps_order_through_a_left_out_item(catalog: httpx.AsyncClient) -> None:
    result = (await evaluate(catalog, {}, items=["I06", "I01"])).json()
    assert [item["code"] for item in result["items"]] == ["I01", "I06"]
    # I06 waited for I03, which waited for I01: without I03 it waits for I01 directly.
    assert by_code(result["items"])["I06"]["depends_on"] == ["I01"]
    assert by_code(result["materials"])["BIRTH_MED_CERT"]["issued_by_item"] == "I01"


async def test_maternity_item_is_switched_on_by_its_question(catalog: httpx.AsyncClient) -> None:
    result = (await evaluate(catalog, {"mother_employee_insurance": True})).json()
    assert "I07" in {item["code"] for item in result["items"]}
    assert by_code(result["materials"])["BANK_ACCT"]["items"] == ["I07"]


async def test_every_bad_answer_is_listed_at_once(catalog: httpx.AsyncClient) -> None:
    response = await evaluate(catalog, {"marital_status": "divorced", "by_proxy": "yes", "pets": "cat"})
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert sorted(p["field"] for p in problems) == ["answers.by_proxy", "answers.marital_status", "answers.pets"]


async def test_instant_decision_rule_is_published(catalog: httpx.AsyncClient) -> None:
    bundle = (await catalog.get("/v1/bundles/B01")).json()
    i01 = by_code(bundle["items"])["I01"]
    assert i01["instant_decision"]["rule"] == "birth_record_matches_parents"
    assert i01["promised_limit"] == {"value": 0, "unit": "working_days", "note": i01["promised_limit"]["note"]}
