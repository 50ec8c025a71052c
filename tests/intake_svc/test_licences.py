"""Electronic licences (电子证照) from a real notify-svc: they prefill the form, marked authoritative
with the licence as source, and satisfy the materials they are (免提交); notify down costs only that."""

import json
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from intake_svc.applications.models import Application
from notify_svc.licences.service import store_from_result
from notify_svc.main import create_app as create_notify_app
from notify_svc.settings import Settings as NotifySettings
from onevisit.db import utcnow
from onevisit.events import Applicant, TaskResultSummary
from onevisit.outbox import OutboxMessage
from tests.intake_svc.conftest import CITIZEN, OTHER_CITIZEN, Intake
from tests.support.infra import migrate, running_app

BIRTH_CERT_NUMBER = "Q440000123"
MARRIAGE_NUMBER = "J110105-2020-000123"
MOTHER_ID = "120103198806018241"

BIRTH_CERT = {
    "type_name": "出生医学证明",
    "type_code": "11100000000013338W001",
    "number": BIRTH_CERT_NUMBER,
    "issuer": "市卫生健康委员会",
    "issuer_code": "12440000MB2D12345X",
    "data": {"新生儿姓名": "张小明", "性别": "男", "出生日期": "2025-03-01", "出生地点": "市妇幼保健院"},
}
# Matched by its type name: the civil affairs system sends a type code intake does not know.
MARRIAGE_CERT = {
    "type_name": "结婚证",
    "type_code": "CIVIL-MARRIAGE",
    "number": MARRIAGE_NUMBER,
    "issuer": "朝阳区民政局",
    "data": {"男方姓名": "张三", "男方身份证件号码": CITIZEN, "女方姓名": "王梅", "女方身份证件号码": MOTHER_ID},
}
# Expired: must neither prefill nor satisfy anything.
EXPIRED_HUKOU = {
    "type_name": "居民户口簿",
    "number": "HK-OLD-1",
    "valid_until": (date.today() - timedelta(days=30)).isoformat(),
    "data": {"户主姓名": "过期户主"},
}

# What the licences leave to the applicant for a B01 draft without 出生医学证明签发.
REST_OF_B01 = {
    "child": {"ethnicity": "汉族"},
    "household": {"side": "随母"},
    "applicant": {"relationship": "父亲"},
}


@pytest.fixture
async def notify_app(make_database, nats_url: str, bus_namespace: str) -> AsyncIterator[FastAPI]:
    """The real notify-svc, migrated and running, holding CITIZEN's licences stored by its own service."""
    database = make_database("notify")
    await migrate("notify_svc", database)
    settings = NotifySettings(
        database_url=database.url,
        database_schema=database.schema,
        nats_url=nats_url,
        bus_namespace=bus_namespace,
        environment="test",
        log_json=False,
        catalog_url="http://127.0.0.1:9",
    )
    app = create_notify_app(settings)
    async with running_app(app):
        async with app.state.runtime.session_factory() as session:
            for licence in (BIRTH_CERT, MARRIAGE_CERT, EXPIRED_HUKOU):
                await store_licence(session, licence)
            await session.commit()
        yield app


async def store_licence(session: Any, licence: dict[str, Any]) -> None:
    result = TaskResultSummary(
        task_id=uuid.uuid4(), item_code="I01", department_code="health", status="approved", licence=licence
    )
    stored = await store_from_result(
        session,
        application_id=uuid.uuid4(),
        result=result,
        applicant=Applicant(subject=CITIZEN, name="张三"),
        issued_at=utcnow(),
    )
    assert stored is not None


@pytest.fixture
def intake_options(notify_app: FastAPI) -> dict[str, Any]:
    return {"notify_url": "http://notify", "licence_transport": httpx.ASGITransport(app=notify_app)}


def by_code(draft: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["code"]: m for m in draft["materials"]}


async def test_licences_prefill_the_form_as_authoritative_with_the_licence_as_source(intake: Intake) -> None:
    draft = await intake.draft({"bundle_code": "B01", "answers": {"first_issue": False}})
    data, sources = draft["form_data"], draft["prefill_sources"]
    assert data["child"]["name"] == "张小明"
    assert data["child"]["medical_cert_no"] == BIRTH_CERT_NUMBER  # the licence's own number
    assert data["mother"] == {"name": "王梅", "id_number": MOTHER_ID}
    assert data["father"] == {"name": "张三", "id_number": CITIZEN}
    birth_source = {"source": f"licence:11100000000013338W001:{BIRTH_CERT_NUMBER}", "authoritative": True}
    assert sources["child.birth_date"] == birth_source
    assert sources["mother.id_number"] == {"source": f"licence:CIVIL-MARRIAGE:{MARRIAGE_NUMBER}", "authoritative": True}
    # The expired household register gave nothing: the sample registry's value stands.
    assert data["household"]["head_name"] == "张三"
    assert sources["household.head_name"]["source"] == "sample_registry"


async def test_an_existing_licence_satisfies_its_material_and_travels_with_the_submission(intake: Intake) -> None:
    draft = await intake.draft({"bundle_code": "B01", "answers": {"first_issue": False}})
    materials = by_code(draft)
    assert materials["BIRTH_MED_CERT"]["status"] == "licence"
    assert materials["BIRTH_MED_CERT"]["satisfied_by"] == "licence"
    assert materials["BIRTH_MED_CERT"]["licence"]["number"] == BIRTH_CERT_NUMBER
    assert materials["MARRIAGE"]["licence"]["number"] == MARRIAGE_NUMBER
    assert materials["HUKOU"]["status"] == "shared" and materials["HUKOU"]["licence"] is None

    response = await intake.client.patch(
        f"/v1/applications/{draft['id']}", json={"form_data": REST_OF_B01}, headers=intake.as_()
    )
    assert response.status_code == 200, response.text
    validation = await intake.client.post(f"/v1/applications/{draft['id']}/validate", headers=intake.as_())
    assert validation.status_code == 200, validation.text
    assert validation.json()["problems"] == []

    submitted = await intake.client.post(f"/v1/applications/{draft['id']}/submit", headers=intake.as_())
    assert submitted.status_code == 202, submitted.text
    async with intake.app.state.runtime.session_factory() as session:
        application = await session.get(Application, uuid.UUID(draft["id"]))
        assert application is not None and application.snapshot is not None
        snapshot = {m["code"]: m for m in application.snapshot["materials"]}
        event = json.loads((await session.scalars(select(OutboxMessage))).one().payload)
    assert snapshot["BIRTH_MED_CERT"]["licence"]["number"] == BIRTH_CERT_NUMBER
    licensed = {m["material_code"]: m for m in event["materials"] if m.get("source") == "licence"}
    assert licensed["BIRTH_MED_CERT"]["licence"]["type_code"] == "11100000000013338W001"
    assert licensed["MARRIAGE"]["licence"]["number"] == MARRIAGE_NUMBER


async def test_without_the_licence_the_same_material_is_reported_missing(intake: Intake) -> None:
    """The control: another applicant holds no licence, so 出生医学证明 must be uploaded."""
    draft = await intake.draft({"bundle_code": "B01", "answers": {"first_issue": False}}, subject=OTHER_CITIZEN)
    assert by_code(draft)["BIRTH_MED_CERT"]["status"] == "missing"
    assert "child" not in draft["form_data"]
    response = await intake.client.post(
        f"/v1/applications/{draft['id']}/validate", headers=intake.as_(subject=OTHER_CITIZEN)
    )
    problems = {(p["code"], p.get("material")) for p in response.json()["problems"]}
    assert ("material.missing", "BIRTH_MED_CERT") in problems


async def test_reevaluation_reads_the_licences_again(intake: Intake) -> None:
    draft = await intake.draft({"bundle_code": "B01", "answers": {}})
    assert by_code(draft)["BIRTH_MED_CERT"]["status"] == "issued_by_item"  # I01 issues it in this bundle
    response = await intake.client.patch(
        f"/v1/applications/{draft['id']}", json={"answers": {"first_issue": False}}, headers=intake.as_()
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert by_code(updated)["BIRTH_MED_CERT"]["licence"]["number"] == BIRTH_CERT_NUMBER
    # 出生医学证明编号 was read-only while I01 produced it; now the applicant's licence gives it.
    assert updated["form_data"]["child"]["medical_cert_no"] == BIRTH_CERT_NUMBER
