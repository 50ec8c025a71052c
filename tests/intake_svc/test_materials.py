"""One set of materials: uploads checked by content, one upload for every item, materials issued
inside the bundle never requested, commitments (告知承诺) and deficiencies (容缺) with deadlines."""

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from intake_svc.materials.models import MaterialFile
from onevisit.calendar import default_calendar
from onevisit.db import utcnow
from tests.intake_svc.conftest import PDF, Intake

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def ofd_package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
    return buffer.getvalue()


@pytest.fixture
def intake_options() -> dict[str, Any]:
    return {"max_upload_bytes": 4096}


T01 = {"bundle_code": "T01", "answers": {}}


async def test_upload_checks_content_hashes_and_serves_every_item_that_needs_it(intake: Intake) -> None:
    draft = await intake.draft(T01)
    response = await intake.upload(draft["id"], "BIRTH_CERT_FORM", PDF)
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert record["size"] == len(PDF) and record["content_type"] == "application/pdf"
    assert record["items"] == ["TA", "TB"]
    current = (await intake.client.get(f"/v1/applications/{draft['id']}", headers=intake.as_())).json()
    form = next(m for m in current["materials"] if m["code"] == "BIRTH_CERT_FORM")
    assert form["status"] == "provided" and form["files"] == [record["id"]]
    for data, content_type in ((PNG, "image/png"), (JPEG, "image/jpeg"), (ofd_package(), "application/ofd")):
        response = await intake.upload(draft["id"], "NONMARITAL_STMT", data)
        assert response.status_code == 201 and response.json()["content_type"] == content_type
    stored = Path(intake.settings.storage_dir) / draft["id"] / record["id"]
    assert stored.read_bytes() == PDF


async def test_upload_refuses_wrong_type_too_large_and_unrequested_materials(intake: Intake) -> None:
    draft = await intake.draft(T01)
    not_ofd = io.BytesIO()
    with zipfile.ZipFile(not_ofd, "w") as package:
        package.writestr("word/document.xml", "<w/>")
    for data in (b"plain text pretending to be a pdf", not_ofd.getvalue()):
        response = await intake.upload(draft["id"], "BIRTH_CERT_FORM", data)
        assert response.status_code == 415 and response.json()["code"] == "material_type_unsupported"
    response = await intake.upload(draft["id"], "BIRTH_CERT_FORM", PDF + b"x" * 5000)
    assert response.status_code == 413 and response.json()["code"] == "material_too_large"
    response = await intake.upload(draft["id"], "MARRIAGE", PDF)
    assert response.status_code == 422 and response.json()["code"] == "material_not_requested"
    # B01: the birth certificate is issued by item I01 of the same bundle, so it is never asked for.
    newborn = await intake.draft()
    response = await intake.upload(newborn["id"], "BIRTH_MED_CERT", PDF)
    assert response.status_code == 422 and response.json()["code"] == "material_not_requested"
    assert await _file_count(intake) == 0


async def _file_count(intake: Intake) -> int:
    async with intake.app.state.runtime.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(MaterialFile))


async def test_commitment_replaces_a_material_that_allows_it(intake: Intake) -> None:
    draft = await intake.draft(T01)
    url = f"/v1/applications/{draft['id']}/commitments"
    text = "本人承诺与新生儿存在亲子关系，如有虚假愿承担法律责任。"
    response = await intake.client.post(url, json={"material_code": "DNA_REPORT", "text": text}, headers=intake.as_())
    assert response.status_code == 201, response.text
    assert response.json()["signed_by"] == draft["applicant"]["subject"] and response.json()["signed_at"]
    again = await intake.client.post(url, json={"material_code": "DNA_REPORT", "text": text}, headers=intake.as_())
    assert again.status_code == 409
    refused = await intake.client.post(
        url, json={"material_code": "BIRTH_CERT_FORM", "text": text}, headers=intake.as_()
    )
    assert refused.status_code == 422 and refused.json()["code"] == "commitment_not_allowed"
    current = (await intake.client.get(f"/v1/applications/{draft['id']}", headers=intake.as_())).json()
    assert next(m for m in current["materials"] if m["code"] == "DNA_REPORT")["status"] == "committed"
    assert current["commitments"][0]["text"] == text


async def test_missing_material_that_allows_a_deficiency_is_accepted_with_a_working_day_deadline(
    intake: Intake,
) -> None:
    draft = await intake.draft(T01)
    await intake.client.patch(
        f"/v1/applications/{draft['id']}",
        json={"form_data": {"child": {"birth_date": "2025-03-01", "gender": "女"}}},
        headers=intake.as_(),
    )
    assert (await intake.upload(draft["id"], "BIRTH_CERT_FORM")).status_code == 201
    # DNA_REPORT is missing and only a commitment can stand in for it: one problem, with the hint.
    response = await intake.client.post(f"/v1/applications/{draft['id']}/validate", headers=intake.as_())
    assert response.status_code == 422
    [problem] = response.json()["problems"]
    assert problem["code"] == "material.missing" and problem["material"] == "DNA_REPORT"
    assert "告知承诺" in problem["message"]
    await intake.client.post(
        f"/v1/applications/{draft['id']}/commitments",
        json={"material_code": "DNA_REPORT", "text": "本人承诺所述属实。"},
        headers=intake.as_(),
    )
    report = (await intake.client.post(f"/v1/applications/{draft['id']}/validate", headers=intake.as_())).json()
    assert report["problems"] == [] and [d["material_code"] for d in report["deficiencies"]] == ["NONMARITAL_STMT"]

    response = await intake.client.post(f"/v1/applications/{draft['id']}/submit", headers=intake.as_())
    assert response.status_code == 202, response.text
    [deficiency] = response.json()["deficiencies"]
    expected = default_calendar().deadline(utcnow(), 3, "working_days")
    assert deficiency["material_code"] == "NONMARITAL_STMT" and deficiency["working_days"] == 3
    assert deficiency["supplement_by"][:10] == expected.at.date().isoformat()
    assert deficiency["supplied"] is False
