"""Every write is in the append-only audit log; personal data is masked in logs and for operators."""

import logging
import uuid

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from onevisit.logging import JsonFormatter
from tests.gateway.conftest import CITIZEN, OPS, login


async def test_writes_are_audited_with_who_what_and_request_id(gateway: httpx.AsyncClient) -> None:
    auth = await login(gateway, CITIZEN)
    ops = await login(gateway, OPS)
    request_id = uuid.uuid4().hex
    answer = await gateway.post("/v1/applications/app-7/submit", json={}, headers={**auth, "X-Request-ID": request_id})
    assert answer.status_code == 200
    await gateway.get("/v1/applications/app-7", headers={**auth, "X-Request-ID": request_id})
    refused = await gateway.post("/v1/admin/catalog/bundles", json={}, headers={**auth, "X-Request-ID": "refused-1"})
    assert refused.status_code == 403

    page = (await gateway.get("/v1/admin/audit", params={"request_id": request_id}, headers=ops)).json()
    assert len(page["items"]) == 1, page  # the read is not audited
    entry = page["items"][0]
    assert (entry["method"], entry["path"], entry["status"]) == ("POST", "/v1/applications/app-7/submit", 200)
    assert (entry["service"], entry["role"], entry["application_id"]) == ("intake", "citizen", "app-7")
    assert entry["subject"] == "110105********002X"  # masked for the operator
    by_subject = (await gateway.get("/v1/admin/audit", params={"subject": CITIZEN["subject"]}, headers=ops)).json()
    assert {e["path"] for e in by_subject["items"]} >= {"/v1/auth/login", "/v1/applications/app-7/submit"}
    denied = (await gateway.get("/v1/admin/audit", params={"request_id": "refused-1"}, headers=ops)).json()
    assert denied["items"][0]["status"] == 403
    assert (await gateway.get("/v1/admin/audit", headers=auth)).status_code == 403


async def test_the_audit_log_cannot_be_changed(gateway: httpx.AsyncClient) -> None:
    await login(gateway, CITIZEN)
    engine = gateway.app.state.runtime.engine  # type: ignore[attr-defined]
    for statement in ("UPDATE audit_log SET status = 200", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with engine.begin() as connection:
                await connection.execute(text(statement))
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM audit_log"))).scalar_one() == 1


async def test_audit_log_lines_mask_resident_ids_and_phones(
    gateway: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="gateway.audit"):
        await gateway.post(
            "/v1/applications", json={}, headers={**await login(gateway, CITIZEN), "X-Road-UserId": "13800138000"}
        )
    lines = [JsonFormatter("gateway").format(record) for record in caplog.records if record.name == "gateway.audit"]
    assert lines and any("110105********002X" in line for line in lines)
    assert not any("11010519491231002X" in line or "13800138000" in line for line in lines)
