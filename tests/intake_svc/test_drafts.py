"""Drafts against the real catalog: merged form, one set of materials, prefill, re-evaluation."""

from tests.intake_svc.conftest import CITIZEN, Intake


async def test_draft_pins_version_merges_form_and_prefills_from_identity_and_registry(intake: Intake) -> None:
    draft = await intake.draft()
    assert draft["status"] == "draft"
    assert draft["bundle_code"] == "B01" and draft["bundle_name"] == "新生儿出生一件事"
    assert draft["catalog_version"] >= 1
    assert [i["code"] for i in draft["items"]] == ["I01", "I02", "I03", "I04", "I05", "I06", "I08", "I09"]
    # One merged form: each field once, by section.
    assert set(draft["form"]["properties"]) >= {"applicant", "child", "mother", "household"}
    data = draft["form_data"]
    assert data["applicant"]["id_number"] == CITIZEN
    assert data["applicant"]["name"] == "张三"
    assert data["applicant"]["phone"] == "13800138000"
    assert data["household"]["region_code"] == "110105"  # from the sample population registry
    sources = draft["prefill_sources"]
    assert sources["applicant.id_number"] == {"source": "identity", "authoritative": True}
    assert sources["applicant.phone"] == {"source": "identity", "authoritative": False}
    # The registry is authoritative, so it wins over the account's name.
    assert sources["applicant.name"] == {"source": "sample_registry", "authoritative": True}
    assert sources["household.address"]["source"] == "sample_registry"
    # One set of materials: issued by an earlier item → never requested; shared → no upload.
    materials = {m["code"]: m for m in draft["materials"]}
    assert materials["BIRTH_MED_CERT"]["status"] == "issued_by_item"
    assert materials["BIRTH_MED_CERT"]["issued_by_item"] == "I01"
    assert materials["HUKOU_NEWBORN"]["status"] == "issued_by_item"
    assert materials["ID_CARD"]["status"] == "shared"
    assert materials["BIRTH_CERT_FORM"]["status"] == "missing"


async def test_draft_is_saved_and_resumed_and_edits_drop_the_source(intake: Intake) -> None:
    draft = await intake.draft()
    response = await intake.client.patch(
        f"/v1/applications/{draft['id']}",
        json={"form_data": {"child": {"name": "张小明", "gender": "男"}, "applicant": {"name": "张三丰"}}},
        headers=intake.as_(),
    )
    assert response.status_code == 200, response.text
    resumed = (await intake.client.get(f"/v1/applications/{draft['id']}", headers=intake.as_())).json()
    assert resumed["form_data"]["child"] == {"name": "张小明", "gender": "男"}
    assert resumed["form_data"]["applicant"]["name"] == "张三丰"
    assert "applicant.name" not in resumed["prefill_sources"]  # typed by the applicant now
    assert resumed["prefill_sources"]["applicant.id_number"]["authoritative"] is True
    # A null clears a field; an unknown field is not kept.
    response = await intake.client.patch(
        f"/v1/applications/{draft['id']}",
        json={"form_data": {"child": {"gender": None}, "nonsense": {"x": 1}}},
        headers=intake.as_(),
    )
    assert response.json()["form_data"]["child"] == {"name": "张小明"}
    assert "nonsense" not in response.json()["form_data"]


async def test_changing_answers_reevaluates_on_the_pinned_version_and_keeps_what_still_applies(intake: Intake) -> None:
    draft = await intake.draft()
    await intake.client.patch(
        f"/v1/applications/{draft['id']}",
        json={"form_data": {"child": {"name": "张小明", "id_number": "x"}}},
        headers=intake.as_(),
    )
    response = await intake.client.patch(
        f"/v1/applications/{draft['id']}",
        json={"answers": {"medical_insurance": False, "social_security_card": False, "marital_status": "unmarried"}},
        headers=intake.as_(),
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["catalog_version"] == draft["catalog_version"]
    assert [i["code"] for i in updated["items"]] == ["I01", "I02", "I03", "I08", "I09"]
    assert updated["form_data"]["child"]["name"] == "张小明"  # still asked: kept
    assert "id_number" not in updated["form_data"]["child"]  # only I04/I06 asked for it: dropped
    codes = {m["code"] for m in updated["materials"]}
    assert "NONMARITAL_STMT" in codes and "MARRIAGE" not in codes
    timeline = (await intake.client.get(f"/v1/applications/{draft['id']}/timeline", headers=intake.as_())).json()
    assert [e["event"] for e in timeline["items"]] == ["application.created", "application.reevaluated"]


async def test_subset_that_splits_a_bound_group_is_refused_with_the_catalogs_reason(intake: Intake) -> None:
    response = await intake.client.post(
        "/v1/applications",
        json={"bundle_code": "B01", "answers": {}, "items": ["I01", "I03", "I04"]},
        headers=intake.as_(),
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [p["code"] for p in response.json()["problems"]] == ["items.bound_group_split"]

    response = await intake.client.post(
        "/v1/applications",
        json={"bundle_code": "B01", "answers": {}, "items": ["I01", "I03", "I04", "I05"]},
        headers=intake.as_(),
    )
    assert response.status_code == 201
    assert [i["code"] for i in response.json()["items"]] == ["I01", "I03", "I04", "I05"]


async def test_unknown_bundle_is_404(intake: Intake) -> None:
    response = await intake.client.post("/v1/applications", json={"bundle_code": "NOPE"}, headers=intake.as_())
    assert response.status_code == 404
    assert response.json()["code"] == "bundle_not_found"


async def test_a_bundle_code_that_is_no_code_is_refused_before_any_catalog_call(intake: Intake) -> None:
    """Found by schemathesis: codes went into the catalog URL as typed ('a/b' reached another path)."""
    for code in ("a/b", "B01?x=1", "B\u0019", ""):
        response = await intake.client.post("/v1/applications", json={"bundle_code": code}, headers=intake.as_())
        assert response.status_code == 422, (code, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_creating_a_draft_twice_with_one_idempotency_key_gives_one_draft(intake: Intake) -> None:
    headers = {**intake.as_(), "Idempotency-Key": "draft-1"}
    body = {"bundle_code": "B01", "answers": {}}
    first = await intake.client.post("/v1/applications", json=body, headers=headers)
    second = await intake.client.post("/v1/applications", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    listed = (await intake.client.get("/v1/applications", headers=intake.as_())).json()
    assert len(listed["items"]) == 1
    other = await intake.client.post("/v1/applications", json={**body, "answers": {"by_proxy": True}}, headers=headers)
    assert other.status_code == 409
