"""Ownership: applicants see only their own applications, a window clerk applies on behalf of an
applicant (帮办代办) with both recorded, other roles are refused."""

from tests.intake_svc.conftest import CLERK, OTHER_CITIZEN, Intake


async def test_applicants_see_only_their_own(intake: Intake) -> None:
    mine = await intake.draft()
    theirs = await intake.draft(subject=OTHER_CITIZEN, name="李四")
    for path in ("", "/timeline"):
        response = await intake.client.get(f"/v1/applications/{theirs['id']}{path}", headers=intake.as_())
        assert response.status_code == 404
    response = await intake.client.patch(
        f"/v1/applications/{theirs['id']}", json={"form_data": {}}, headers=intake.as_()
    )
    assert response.status_code == 404
    listed = (await intake.client.get("/v1/applications", headers=intake.as_())).json()
    assert [a["id"] for a in listed["items"]] == [mine["id"]]


async def test_clerk_applies_on_behalf_and_both_are_recorded(intake: Intake) -> None:
    clerk = {"subject": CLERK, "role": "clerk", "name": "窗口王"}
    refused = await intake.client.post("/v1/applications", json={"bundle_code": "B01"}, headers=intake.as_(**clerk))
    assert refused.status_code == 403 and refused.json()["code"] == "on_behalf_required"
    draft = await intake.draft(
        {"bundle_code": "B01", "on_behalf_of": {"subject": OTHER_CITIZEN, "name": "李四", "phone": "13900139000"}},
        **clerk,
    )
    assert draft["applicant"]["subject"] == OTHER_CITIZEN
    assert draft["created_by"] == {"subject": CLERK, "role": "clerk"}
    # Typed in by the clerk, so not authoritative; the registry still is.
    assert draft["prefill_sources"]["applicant.id_number"] == {"source": "clerk_entry", "authoritative": False}
    assert draft["prefill_sources"]["applicant.name"] == {"source": "sample_registry", "authoritative": True}
    assert draft["form_data"]["applicant"]["phone"] == "13900139000"
    # The applicant sees it too, the clerk lists it, another citizen does not.
    assert (
        await intake.client.get(f"/v1/applications/{draft['id']}", headers=intake.as_(OTHER_CITIZEN))
    ).status_code == 200
    clerk_list = (await intake.client.get("/v1/applications", headers=intake.as_(**clerk))).json()
    assert [a["id"] for a in clerk_list["items"]] == [draft["id"]]
    assert (await intake.client.get(f"/v1/applications/{draft['id']}", headers=intake.as_())).status_code == 404
    timeline = (await intake.client.get(f"/v1/applications/{draft['id']}/timeline", headers=intake.as_(**clerk))).json()
    assert timeline["items"][0]["actor"] == CLERK
    assert timeline["items"][0]["detail"]["on_behalf_of"] == OTHER_CITIZEN


async def test_citizen_cannot_apply_on_behalf_and_other_roles_are_refused(intake: Intake) -> None:
    response = await intake.client.post(
        "/v1/applications",
        json={"bundle_code": "B01", "on_behalf_of": {"subject": OTHER_CITIZEN}},
        headers=intake.as_(),
    )
    assert response.status_code == 403 and response.json()["code"] == "on_behalf_not_allowed"
    draft = await intake.draft()
    department = intake.as_("dept-1", "department", department="health")
    assert (
        await intake.client.post("/v1/applications", json={"bundle_code": "B01"}, headers=department)
    ).status_code == 403
    assert (await intake.client.get(f"/v1/applications/{draft['id']}", headers=department)).status_code == 403
    assert (await intake.client.get("/v1/applications", headers=department)).status_code == 403
    assert (await intake.client.get("/v1/applications")).status_code == 401
    ops = intake.as_("ops-1", "ops")
    assert (await intake.client.get(f"/v1/applications/{draft['id']}", headers=ops)).status_code == 200
    response = await intake.client.patch(f"/v1/applications/{draft['id']}", json={"form_data": {}}, headers=ops)
    assert response.status_code == 403


async def test_list_pages_with_a_cursor(intake: Intake) -> None:
    ids = [(await intake.draft())["id"] for _ in range(5)]
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await intake.client.get("/v1/applications", params=params, headers=intake.as_())).json()
        seen += [a["id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(ids))
    bad = await intake.client.get("/v1/applications", params={"cursor": "!!"}, headers=intake.as_())
    assert bad.status_code == 422
