"""The Open311 GeoReport v2 facade over 12345 tickets, on the real notify app, database and bus."""

import hashlib
import uuid
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from notify_svc.common.workdays import CHINA
from notify_svc.tickets.models import Ticket
from tests.notify_svc.conftest import NotifyHarness

API = "/open311/v2"
CLIENT_KEY = "client-system-key-1"
NAME = {"first_name": "小明", "last_name": "王"}
PHONE = "13912345678"
EMAIL = "wang.xiaoming@example.com"
PLACE = {"lat": "23.1372", "long": "113.3245"}


@pytest.fixture
async def open311(start_notify) -> AsyncIterator[NotifyHarness]:
    """notify knowing one client system, by the SHA-256 digest of its key only."""
    digest = hashlib.sha256(CLIENT_KEY.encode()).hexdigest()
    async with start_notify(open311_api_keys=[digest]) as harness:
        yield harness


def xml_of(response) -> ET.Element:
    assert response.headers["content-type"].startswith("text/xml"), response.text
    assert response.text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.text)


def xml_errors(response) -> list[tuple[str, str]]:
    root = xml_of(response)
    assert root.tag == "errors"
    return [(error.findtext("code"), error.findtext("description")) for error in root.findall("error")]


async def post_request(notify: NotifyHarness, fmt: str = "json", **fields: str):
    return await notify.client.post(f"{API}/requests.{fmt}", data={"api_key": CLIENT_KEY, **fields})


async def filed_id(notify: NotifyHarness, **fields: str) -> str:
    response = await post_request(notify, **fields)
    assert response.status_code == 201, response.text
    return response.json()[0]["service_request_id"]


async def reply(notify: NotifyHarness, ticket_id: str, department: str, text: str) -> None:
    staff = notify.headers(subject=f"clerk-{department.lower()}", role="department", department=department)
    answered = await notify.client.post(f"/v1/tickets/{ticket_id}/reply", json={"reply": text}, headers=staff)
    assert answered.status_code == 200, answered.text


async def test_discovery_in_both_formats(open311: NotifyHarness) -> None:
    found = await open311.client.get(f"{API}/discovery.json")
    assert found.status_code == 200
    endpoint = found.json()["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == f"{open311.settings.public_base_url}/open311/v2"
    assert endpoint["formats"] == ["application/json", "text/xml"] and endpoint["type"] == "test"

    root = xml_of(await open311.client.get(f"{API}/discovery.xml"))
    assert root.tag == "discovery"
    formats = [f.text for f in root.findall("endpoints/endpoint/formats/format")]
    assert formats == ["application/json", "text/xml"]


async def test_services_and_definitions_in_both_formats(open311: NotifyHarness) -> None:
    listed = (await open311.client.get(f"{API}/services.json")).json()
    codes = [service["service_code"] for service in listed]
    assert len(codes) == len(set(codes)) == 45  # five ticket types × nine categories
    complaint = next(service for service in listed if service["service_code"] == "complaint-business")
    assert complaint == {
        "service_code": "complaint-business",
        "service_name": "营业执照与市场监管投诉",
        "description": complaint["description"],
        "metadata": False,
        "type": "realtime",
        "keywords": "投诉,营业执照,注销,食品",
        "group": "营业执照与市场监管",
    }

    root = xml_of(await open311.client.get(f"{API}/services.xml"))
    assert root.tag == "services"
    services = root.findall("service")
    assert [s.findtext("service_code") for s in services] == codes
    first = services[0]
    assert [child.tag for child in first] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert first.findtext("metadata") == "false" and first.findtext("type") == "realtime"

    definition = await open311.client.get(f"{API}/services/complaint-business.json")
    assert definition.json() == {"service_code": "complaint-business", "attributes": []}
    defined = xml_of(await open311.client.get(f"{API}/services/complaint-business.xml"))
    assert defined.tag == "service_definition" and defined.findtext("service_code") == "complaint-business"
    assert defined.find("attributes") is not None and list(defined.find("attributes")) == []

    unknown = await open311.client.get(f"{API}/services/no-such-service.json")
    assert unknown.status_code == 404
    assert unknown.json() == [{"code": 404, "description": "未知的 service_code no-such-service"}]
    unknown_xml = await open311.client.get(f"{API}/services/no-such-service.xml")
    assert unknown_xml.status_code == 404 and xml_errors(unknown_xml) == [
        ("404", "未知的 service_code no-such-service")
    ]
    # An unknown format is answered in XML, the one format the spec requires.
    csv = await open311.client.get(f"{API}/services.csv")
    assert csv.status_code == 404 and xml_errors(csv)[0][0] == "404"


async def test_post_with_a_good_key_files_a_routed_ticket(open311: NotifyHarness) -> None:
    created = await post_request(
        open311,
        service_code="query-social-security",
        description="社保转移申请提交一个月了还没有结果",
        email=EMAIL,
        phone=PHONE,
        **NAME,
        **PLACE,
        **{"attribute[urgency]": "high"},
    )
    assert created.status_code == 201, created.text
    [answer] = created.json()
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    assert answer["account_id"] is None and "已受理" in answer["service_notice"]

    ops = open311.headers(subject="ops-1", role="ops")
    ticket = (await open311.client.get(f"/v1/tickets/{answer['service_request_id']}", headers=ops)).json()
    assert (ticket["source"], ticket["type"], ticket["status"]) == ("open311", "query", "assigned")
    assert ticket["department"] == "hrss"  # the category's name carries the routing keyword 社保
    assert ticket["content"] == "【社保与就业】社保转移申请提交一个月了还没有结果"
    async with open311.sessions() as session:
        stored = await session.get(Ticket, uuid.UUID(answer["service_request_id"]))
        assert stored is not None
        assert (stored.service_code, stored.lat, stored.long) == ("query-social-security", 23.1372, 113.3245)
        assert stored.contact == {"name": "王小明", "phone": PHONE, "email": EMAIL}

    # XML: the same answer shape; the same request again is merged into the first
    again = await post_request(
        open311,
        "xml",
        service_code="query-social-security",
        description="社保转移申请提交一个月了还没有结果",
        address_string="天河区体育西路 1 号",
    )
    assert again.status_code == 201
    request = xml_of(again).find("request")
    assert request is not None and request.findtext("account_id") == ""
    duplicate_id = request.findtext("service_request_id")
    assert duplicate_id != answer["service_request_id"]
    assert answer["service_request_id"] in request.findtext("service_notice", "")
    shown = (await open311.client.get(f"{API}/requests/{duplicate_id}.json")).json()[0]
    assert shown["status"] == "closed" and answer["service_request_id"] in shown["status_notes"]


async def test_post_without_a_valid_key_is_refused(open311: NotifyHarness) -> None:
    fields = {"service_code": "complaint-business", "description": "餐馆卫生很差", **PLACE}
    missing = await open311.client.post(f"{API}/requests.json", data=fields)
    assert missing.status_code == 403
    assert missing.json() == [{"code": 403, "description": "api_key 缺失或无效，无法提交请求"}]
    wrong = await open311.client.post(f"{API}/requests.xml", data={**fields, "api_key": "guessed"})
    assert wrong.status_code == 403 and xml_errors(wrong) == [("403", "api_key 缺失或无效，无法提交请求")]
    no_body = await open311.client.post(f"{API}/requests.json")
    assert no_body.status_code == 403 and no_body.json()[0]["code"] == 403
    # The development key is not known to a notify configured with its own digests.
    dev = await open311.client.post(f"{API}/requests.json", data={**fields, "api_key": "dev-open311-key"})
    assert dev.status_code == 403

    ops = open311.headers(subject="ops-1", role="ops")
    assert (await open311.client.get("/v1/tickets", headers=ops)).json()["items"] == []


async def test_post_reports_every_problem_at_once(open311: NotifyHarness) -> None:
    empty = await post_request(open311)
    assert empty.status_code == 400
    assert [error["description"] for error in empty.json()] == [
        "缺少 service_code",
        "缺少 description：请描述诉求（至少 2 个字）",
        "缺少位置：请提供 lat 和 long，或 address_string",
    ]
    assert {error["code"] for error in empty.json()} == {400}

    wrong = await post_request(
        open311,
        "xml",
        service_code="pothole",
        description="路面坑洼",
        lat="95",
        email="not-an-email",
        phone="12345",
    )
    assert wrong.status_code == 400
    assert [description for _, description in xml_errors(wrong)] == [
        "未知的 service_code pothole，可用的服务见 services.json",
        "email 不是有效的邮箱地址",
        "lat 须在 -90 到 90 之间",
        "lat 和 long 须同时提供",
        "phone 不是有效的手机号码",
    ]


async def test_requests_filtered_by_status_service_dates_and_ids(open311: NotifyHarness) -> None:
    food = await filed_id(open311, service_code="complaint-business", description="体育西路餐饮店后厨卫生很差", **PLACE)
    fund = await filed_id(
        open311, service_code="consultation-housing-fund", description="公积金提取需要哪些材料", **PLACE
    )
    await reply(open311, fund, "housing_fund", "请携带身份证和购房合同到公积金中心办理。")
    # A ticket filed through the hotline's own API stays private.
    private = await open311.client.post(
        "/v1/tickets",
        json={"type": "complaint", "content": "窗口办理营业执照态度差"},
        headers=open311.headers(),
    )
    assert private.status_code == 201

    async def ids(fmt: str = "json", **params: str) -> list[str]:
        response = await open311.client.get(f"{API}/requests.{fmt}", params=params)
        assert response.status_code == 200, response.text
        if fmt == "xml":
            root = xml_of(response)
            assert root.tag == "service_requests"
            return [request.findtext("service_request_id") or "" for request in root.findall("request")]
        return [request["service_request_id"] for request in response.json()]

    assert await ids() == [fund, food]  # newest first, the private ticket absent
    assert await ids("xml") == [fund, food]
    assert await ids(status="open") == [food]
    assert await ids(status="closed") == [fund]
    assert await ids(status="open,closed") == [fund, food]
    assert await ids(service_code="complaint-business") == [food]
    assert await ids(service_code="complaint-business,consultation-housing-fund", status="closed") == [fund]
    now = datetime.now(CHINA)
    assert await ids(start_date=(now + timedelta(hours=1)).isoformat()) == []
    assert await ids(end_date=(now - timedelta(hours=1)).isoformat()) == []
    assert await ids(
        start_date=(now - timedelta(hours=1)).isoformat(), end_date=(now + timedelta(hours=1)).isoformat()
    ) == [fund, food]
    # service_request_id overrides every other filter, as the spec says
    assert await ids(service_request_id=f"{food},{fund}", status="closed") == [fund, food]

    bad = await open311.client.get(
        f"{API}/requests.json",
        params={
            "status": "pending",
            "start_date": "2026-03-01T08:00:00",
            "end_date": "yesterday",
            "service_request_id": "7",
        },
    )
    assert bad.status_code == 400
    assert [error["description"] for error in bad.json()] == [
        "service_request_id 7 不是有效的请求编号",
        "status 只能是 open 或 closed，收到 pending",
        "start_date 缺少时区，例如 2026-03-01T08:00:00+08:00 或 2026-03-01T00:00:00Z",
        "end_date 不是 W3C 日期时间，例如 2026-03-01T08:00:00+08:00",
    ]


async def test_one_request_and_unknown_ones(open311: NotifyHarness) -> None:
    food = await filed_id(open311, service_code="complaint-business", description="体育西路餐饮店后厨卫生很差", **PLACE)
    [shown] = (await open311.client.get(f"{API}/requests/{food}.json")).json()
    assert shown["service_request_id"] == food and shown["status"] == "open"
    assert shown["service_name"] == "营业执照与市场监管投诉"
    assert shown["description"] == "体育西路餐饮店后厨卫生很差"  # the category heading taken off
    assert shown["agency_responsible"] == "market_regulation" and shown["expected_datetime"] is not None
    assert (shown["lat"], shown["long"]) == (23.1372, 113.3245)
    datetime.fromisoformat(shown["requested_datetime"])
    request = xml_of(await open311.client.get(f"{API}/requests/{food}.xml")).find("request")
    assert request is not None and request.findtext("status") == "open" and request.findtext("lat") == "23.1372"

    unknown = await open311.client.get(f"{API}/requests/0f6b8f0e-3c7a-4d3e-9a51-6f3f2f4b2a10.json")
    assert unknown.status_code == 404
    assert unknown.json() == [{"code": 404, "description": "请求 0f6b8f0e-3c7a-4d3e-9a51-6f3f2f4b2a10 不存在"}]
    not_an_id = await open311.client.get(f"{API}/requests/abc.xml")
    assert not_an_id.status_code == 404 and xml_errors(not_an_id) == [("404", "请求 abc 不存在")]


async def test_updates_show_routing_and_the_reply(open311: NotifyHarness) -> None:
    before = datetime.now(CHINA) - timedelta(seconds=1)
    fund = await filed_id(
        open311, service_code="consultation-housing-fund", description="公积金提取需要哪些材料", **PLACE
    )
    await reply(open311, fund, "housing_fund", "请携带身份证和购房合同到公积金中心办理。")

    updates = (await open311.client.get(f"{API}/servicerequestupdates.json")).json()
    assert [(u["status"], u["description"]) for u in updates] == [
        ("open", "已分派至承办部门 housing_fund"),
        ("closed", "请携带身份证和购房合同到公积金中心办理。"),
    ]
    assert {u["service_request_id"] for u in updates} == {fund}
    assert len({u["update_id"] for u in updates}) == 2
    assert datetime.fromisoformat(updates[1]["updated_datetime"]) >= before

    root = xml_of(await open311.client.get(f"{API}/servicerequestupdates.xml"))
    assert root.tag == "service_request_updates"
    assert [u.findtext("status") for u in root.findall("request_update")] == ["open", "closed"]
    later = (datetime.now(CHINA) + timedelta(minutes=1)).isoformat()
    assert (await open311.client.get(f"{API}/servicerequestupdates.json", params={"start_date": later})).json() == []
    shown = (await open311.client.get(f"{API}/requests/{fund}.json")).json()[0]
    assert shown["status"] == "closed" and shown["status_notes"] == "请携带身份证和购房合同到公积金中心办理。"

    # Reopened (the operator, for the citizen) and answered again: open, then closed with the new answer.
    ops = open311.headers(subject="ops-1", role="ops")
    reopened = await open311.client.post(f"/v1/tickets/{fund}/reopen", json={"reason": "材料清单不完整"}, headers=ops)
    assert reopened.status_code == 200
    assert (await open311.client.get(f"{API}/requests/{fund}.json")).json()[0]["status"] == "open"
    await reply(open311, fund, "housing_fund", "还需提供婚姻状况证明。")
    updates = (await open311.client.get(f"{API}/servicerequestupdates.json")).json()
    assert [(u["status"], u["description"]) for u in updates] == [
        ("open", "已分派至承办部门 housing_fund"),
        ("closed", "请携带身份证和购房合同到公积金中心办理。"),
        ("open", "已重新办理"),
        ("closed", "还需提供婚姻状况证明。"),
    ]


async def test_personal_data_never_appears_in_reads(open311: NotifyHarness) -> None:
    request_id = await filed_id(
        open311,
        service_code="complaint-business",
        description=f"我是王小明，电话 {PHONE}，楼下餐馆油烟太大",
        email=EMAIL,
        phone=PHONE,
        **NAME,
        **PLACE,
    )
    await reply(open311, request_id, "market_regulation", "王小明您好，已责令餐馆整改，有问题请拨 13800138000。")
    reads = [
        await open311.client.get(f"{API}/{path}")
        for path in (
            "requests.json",
            "requests.xml",
            f"requests/{request_id}.json",
            f"requests/{request_id}.xml",
            "servicerequestupdates.json",
            "servicerequestupdates.xml",
        )
    ]
    for read in reads:
        assert read.status_code == 200
        for personal in ("王小明", PHONE, EMAIL, "13800138000"):
            assert personal not in read.text, (read.url, personal)
    [shown] = reads[2].json()
    assert shown["description"] == "我是***，电话 ***，楼下餐馆油烟太大"
    assert shown["status_notes"] == "***您好，已责令餐馆整改，有问题请拨 138****8000。"
