"""Public reads: list and search, detail as other services rely on it, guide, departments, caching."""

import httpx
import pytest


async def test_search_by_name_synonym_and_item_name(catalog: httpx.AsyncClient) -> None:
    for keyword in ("出生", "报户口", "社会保障卡申领"):
        response = await catalog.get("/v1/bundles", params={"q": keyword})
        assert response.status_code == 200
        assert "B01" in [b["code"] for b in response.json()["items"]], keyword
    assert (await catalog.get("/v1/bundles", params={"q": "不存在的事情"})).json()["items"] == []


async def test_filters_by_audience_category_and_region(catalog: httpx.AsyncClient) -> None:
    people = (await catalog.get("/v1/bundles", params={"audience": "person"})).json()["items"]
    companies = (await catalog.get("/v1/bundles", params={"audience": "company"})).json()["items"]
    assert "B01" in {b["code"] for b in people}
    assert "B01" not in {b["code"] for b in companies}
    births = (await catalog.get("/v1/bundles", params={"category": "出生"})).json()["items"]
    assert [b["code"] for b in births] == ["B01"]
    # National templates (000000) apply in every region.
    local = (await catalog.get("/v1/bundles", params={"region": "442000"})).json()["items"]
    assert "B01" in {b["code"] for b in local}
    summary = next(b for b in people if b["code"] == "B01")
    assert summary == {
        "code": "B01",
        "name": "新生儿出生一件事",
        "audience": "person",
        "category": "出生",
        "region": "000000",
        "item_count": 9,
        "promised_days": 4,
        "version": summary["version"],
    }


async def test_cursor_pagination_walks_every_bundle_once(catalog: httpx.AsyncClient) -> None:
    everything = [b["code"] for b in (await catalog.get("/v1/bundles", params={"limit": 100})).json()["items"]]
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = (await catalog.get("/v1/bundles", params=params)).json()
        seen += [b["code"] for b in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything
    assert (await catalog.get("/v1/bundles", params={"cursor": "%%%"})).status_code == 422


async def test_bundle_detail_has_the_fields_other_services_rely_on(catalog: httpx.AsyncClient) -> None:
    response = await catalog.get("/v1/bundles/B01")
    assert response.status_code == 200
    bundle = response.json()
    for key in ("code", "name", "version", "audience", "category", "region", "lead_department", "items"):
        assert key in bundle
    assert bundle["lead_department"] == "health"
    i03 = next(item for item in bundle["items"] if item["code"] == "I03")
    assert i03["department"] == "public_security"
    assert i03["department_name"].startswith("公安")
    assert i03["depends_on"] == ["I01"]
    assert "child.medical_cert_no" in i03["fields"]
    assert "BIRTH_MED_CERT" in i03["materials"]
    assert i03["legal_limit"]["unit"] == "working_days"
    assert i03["instant_decision"] is None
    assert i03["results"][0]["material"] == "HUKOU_NEWBORN"
    assert {"item": "I03", "depends_on": "I01", "kind": "material", "material": "BIRTH_MED_CERT"}.items() <= (
        bundle["dependencies"][0].items()
    )
    assert bundle["bound_groups"] == [["I04", "I05"]]
    assert "marital_status" in {q["code"] for q in bundle["questions"]}


async def test_pinned_version_is_immutable_and_cached(catalog: httpx.AsyncClient) -> None:
    current = await catalog.get("/v1/bundles/B01")
    version = current.json()["version"]
    assert current.headers["cache-control"] == "public, max-age=60"
    pinned = await catalog.get("/v1/bundles/B01", params={"version": version})
    assert pinned.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert pinned.json() == current.json()
    again = await catalog.get(
        "/v1/bundles/B01", params={"version": version}, headers={"If-None-Match": pinned.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""
    changed = await catalog.get("/v1/bundles/B01", headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200


async def test_unknown_bundle_and_version_are_404(catalog: httpx.AsyncClient) -> None:
    missing = await catalog.get("/v1/bundles/NOPE")
    assert missing.status_code == 404
    assert missing.json()["code"] == "bundle_not_found"
    no_version = await catalog.get("/v1/bundles/B01", params={"version": 999})
    assert no_version.status_code == 404
    assert no_version.json()["code"] == "bundle_version_not_found"
    assert (await catalog.post("/v1/bundles/NOPE/evaluate", json={"answers": {}})).status_code == 404


async def test_guide_is_the_one_notice_for_default_answers(catalog: httpx.AsyncClient) -> None:
    response = await catalog.get("/v1/bundles/B01/guide")
    assert response.status_code == 200
    assert response.headers["etag"]
    guide = response.json()
    assert guide["title"] == "新生儿出生一件事 办事指南"
    assert guide["promised_days"] == 4
    assert "ceil(自然日×5/7)" in guide["time_rule"]
    assert {d["code"]: d["role"] for d in guide["departments"]}["health"] == "lead"
    assert "express" in guide["delivery"]
    assert any("出生医学证明" in note and "I01" in note for note in guide["notes"])
    assert {"item": "I05", "name": "城乡居民基本医疗保险个人缴费"}.items() <= guide["fees"][4].items()


async def test_departments_list(catalog: httpx.AsyncClient) -> None:
    response = await catalog.get("/v1/departments")
    assert response.status_code == 200
    departments = {d["code"]: d for d in response.json()["items"]}
    assert departments["public_security"]["name"].startswith("公安")
    assert (
        await catalog.get("/v1/departments", headers={"If-None-Match": response.headers["etag"]})
    ).status_code == 304


@pytest.mark.parametrize("version", [2**31, 879574535401180758016])
async def test_a_version_beyond_the_column_is_refused_not_a_500(catalog: httpx.AsyncClient, version: int) -> None:
    # Found by schemathesis: the number reached the database and overflowed its INTEGER column.
    for path in ("/v1/bundles/B01", "/v1/bundles/B01/guide"):
        response = await catalog.get(path, params={"version": version})
        assert response.status_code == 422, (path, response.text)
        assert response.json()["problems"][0]["field"] == "version"
    evaluated = await catalog.post("/v1/bundles/B01/evaluate", json={"answers": {}, "version": version})
    assert evaluated.status_code == 422, evaluated.text
    assert evaluated.json()["problems"][0]["field"] == "version"
