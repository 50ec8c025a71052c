"""Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) over the 12345 tickets, with mySociety's
`servicerequestupdates`: `/open311/v2/...{.json,.xml}`.

Reads are public, like the catalog's: they need no identity, and show no personal data. Filing
needs the client system's `api_key` (see keys.py), which notify checks itself, so a request that
bypasses the gateway gains nothing either.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Response
from pydantic import BaseModel, Field

from notify_svc.open311 import service
from notify_svc.open311.formats import Open311Error, Open311Route, check_format, render, to_xml
from notify_svc.open311.keys import client_of
from notify_svc.open311.services import SERVICES, SERVICES_CHANGESET
from notify_svc.settings import Settings
from onevisit.service import RuntimeDep, SessionDep

router = APIRouter(prefix="/open311/v2", tags=["Open311 GeoReport v2"], route_class=Open311Route)

Format = Annotated[str, Path(alias="format", description="`json` 或 `xml`；其他格式返回 404", examples=["json"])]
W3C_EXAMPLE = "2026-03-01T08:00:00+08:00"

_REQUEST_EXAMPLE = {
    "service_request_id": "0f6b8f0e-3c7a-4d3e-9a51-6f3f2f4b2a10",
    "status": "closed",
    "status_notes": "已为您办理社保关系转移，请登录社保卡小程序查看。",
    "service_name": "社保与就业求助",
    "service_code": "query-social-security",
    "description": "社保转移申请提交一个月了还没有结果",
    "agency_responsible": "hrss",
    "service_notice": None,
    "requested_datetime": "2026-03-02T09:30:00+08:00",
    "updated_datetime": "2026-03-03T15:10:00+08:00",
    "expected_datetime": None,
    "address": "广州市天河区体育西路 1 号",
    "address_id": None,
    "zipcode": None,
    "lat": 23.1372,
    "long": 113.3245,
    "media_url": None,
}


def _example_responses(
    root: str, example: Any, *error_statuses: int, success: int = 200
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI answers of an endpoint: the example in JSON and (built from it) in XML, and its errors."""
    errors = {
        400: "请求参数有误（逐条列出）",
        403: "api_key 缺失或无效",
        404: "格式不支持，或所查对象不存在",
    }
    documented: dict[int | str, dict[str, Any]] = {
        success: {
            "description": "GeoReport v2 answer",
            "content": {
                "application/json": {"example": example},
                "text/xml": {"example": to_xml(root, example)},
            },
        }
    }
    for status in error_statuses:
        body = [{"code": status, "description": errors[status]}]
        documented[status] = {
            "description": errors[status],
            "content": {"application/json": {"example": body}, "text/xml": {"example": to_xml("errors", body)}},
        }
    return documented


def _settings(runtime: RuntimeDep) -> Settings:
    return runtime.settings  # type: ignore[return-value]


@router.get(
    "/discovery.{format}",
    summary="Open311 service discovery",
    response_class=Response,
    responses=_example_responses(
        "discovery",
        {
            "changeset": SERVICES_CHANGESET,
            "contact": "12345 政务服务便民热线",
            "key_service": "接入系统向 12345 热线中心申请 api_key",
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": "https://onevisit.example.gov.cn/open311/v2",
                    "changeset": SERVICES_CHANGESET,
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
        404,
    ),
)
async def discovery(fmt: Format, runtime: RuntimeDep) -> Response:
    """Where the GeoReport v2 endpoint is, its formats, and where to ask for an api_key."""
    fmt = check_format(fmt)
    settings = _settings(runtime)
    endpoint = {
        "specification": "http://wiki.open311.org/GeoReport_v2",
        "url": f"{settings.public_base_url.rstrip('/')}/open311/v2",
        "changeset": SERVICES_CHANGESET,
        "type": "production" if settings.environment == "production" else "test",
        "formats": ["application/json", "text/xml"],
    }
    body = {
        "changeset": SERVICES_CHANGESET,
        "contact": "12345 政务服务便民热线",
        "key_service": "接入系统向 12345 热线中心申请 api_key",
        "endpoints": [endpoint],
    }
    return render(fmt, "discovery", body)


@router.get(
    "/services.{format}",
    summary="List the services (ticket types × categories)",
    response_class=Response,
    responses=_example_responses("services", [SERVICES["complaint-business"].listing()], 404),
)
async def list_services(fmt: Format) -> Response:
    """Every service a request may be filed under: one per 12345 ticket type (咨询、求助、建议、
    投诉、表扬) and category; `group` is the category. No service has extra attributes."""
    fmt = check_format(fmt)
    return render(fmt, "services", [entry.listing() for entry in SERVICES.values()])


@router.get(
    "/services/{service_code}.{format}",
    summary="A service's definition",
    response_class=Response,
    responses=_example_responses("service_definition", {"service_code": "complaint-business", "attributes": []}, 404),
)
async def service_definition(
    service_code: Annotated[str, Path(examples=["complaint-business"])], fmt: Format
) -> Response:
    """The attributes of a service: none here (every service has `metadata` false)."""
    fmt = check_format(fmt)
    if service_code not in SERVICES:
        raise Open311Error(404, f"未知的 service_code {service_code}")
    return render(fmt, "service_definition", {"service_code": service_code, "attributes": []})


@router.get(
    "/requests.{format}",
    summary="Search requests",
    response_class=Response,
    responses=_example_responses("service_requests", [_REQUEST_EXAMPLE], 400, 404),
)
async def list_requests(
    fmt: Format,
    session: SessionDep,
    service_request_id: Annotated[
        str | None,
        Query(description="逗号分隔的请求编号；给出时忽略其他条件", examples=["0f6b8f0e-3c7a-4d3e-9a51-6f3f2f4b2a10"]),
    ] = None,
    service_code: Annotated[
        str | None, Query(description="逗号分隔的 service_code", examples=["complaint-business"])
    ] = None,
    start_date: Annotated[
        str | None, Query(description="最早受理时间（W3C，带时区）；默认 end_date 前 90 天", examples=[W3C_EXAMPLE])
    ] = None,
    end_date: Annotated[
        str | None, Query(description="最晚受理时间（W3C，带时区）；默认现在", examples=[W3C_EXAMPLE])
    ] = None,
    status: Annotated[str | None, Query(description="open 或 closed，可逗号分隔", examples=["open"])] = None,
) -> Response:
    """Requests filed through Open311, newest first: by default those of the last 90 days, at
    most 1000. `open` is a ticket received or assigned; `closed` one replied or closed."""
    fmt = check_format(fmt)
    query = service.request_query(
        service_request_id=service_request_id,
        service_code=service_code,
        start_date=start_date,
        end_date=end_date,
        status=status,
    )
    found = await service.find_requests(session, query)
    return render(fmt, "service_requests", [service.request_view(ticket) for ticket in found])


class RequestForm(BaseModel):
    """POST requests, form-encoded as the spec says. `attribute[...]` fields may be sent and are
    ignored (no service defines attributes)."""

    api_key: str | None = Field(default=None, description="接入系统的密钥", examples=["dev-open311-key"])
    service_code: str | None = Field(default=None, examples=["complaint-business"])
    description: str | None = Field(default=None, examples=["体育西路一家餐饮店后厨卫生很差"])
    lat: str | None = Field(default=None, description="纬度（与 long 同时提供）", examples=["23.1372"])
    long: str | None = Field(default=None, description="经度（与 lat 同时提供）", examples=["113.3245"])
    address_string: str | None = Field(default=None, description="无经纬度时的地址", examples=["体育西路 1 号"])
    email: str | None = Field(default=None, description="不公开", examples=["zhang@example.com"])
    first_name: str | None = Field(default=None, description="名（不公开）", examples=["三"])
    last_name: str | None = Field(default=None, description="姓（不公开）", examples=["张"])
    phone: str | None = Field(default=None, description="手机号（不公开；受理和答复短信发往此号）")
    jurisdiction_id: str | None = None
    address_id: str | None = None
    device_id: str | None = None
    account_id: str | None = None
    media_url: str | None = None


@router.post(
    "/requests.{format}",
    summary="File a request (becomes a 12345 ticket)",
    status_code=201,
    response_class=Response,
    responses=_example_responses(
        "service_requests",
        [
            {
                "service_request_id": "0f6b8f0e-3c7a-4d3e-9a51-6f3f2f4b2a10",
                "service_notice": "已受理，工单号 0F6B8F0E，由 市场监督管理局 于 2026-03-09 18:00 前答复",
                "account_id": None,
            }
        ],
        400,
        403,
        404,
        success=201,
    ),
)
async def create_request(
    fmt: Format, form: Annotated[RequestForm, Form()], session: SessionDep, runtime: RuntimeDep
) -> Response:
    """File a request with the client system's `api_key`: it becomes a 12345 ticket (channel
    `open311`), routed and given its reply deadline like any other. A request like an open one
    of the same client and phone is merged into it (the notice says so). The name, phone and
    email are kept for the hotline's answer and never shown by the reads."""
    fmt = check_format(fmt)
    settings = _settings(runtime)
    client = client_of(form.api_key, settings)
    if client is None:
        raise Open311Error(403, "api_key 缺失或无效，无法提交请求")
    new = service.new_request(form.model_dump())
    filed = await service.file_request(
        session, settings=settings, catalog=runtime.extras["catalog"], client=client, request=new
    )
    return render(fmt, "service_requests", [filed], status=201)


@router.get(
    "/requests/{service_request_id}.{format}",
    summary="A request",
    response_class=Response,
    responses=_example_responses("service_requests", [_REQUEST_EXAMPLE], 404),
)
async def get_request(
    service_request_id: Annotated[str, Path(examples=["0f6b8f0e-3c7a-4d3e-9a51-6f3f2f4b2a10"])],
    fmt: Format,
    session: SessionDep,
) -> Response:
    """One request filed through Open311, as a list of one (as the spec answers)."""
    fmt = check_format(fmt)
    ticket = await service.find_request(session, service_request_id)
    return render(fmt, "service_requests", [service.request_view(ticket)])


@router.get(
    "/servicerequestupdates.{format}",
    summary="Updates of requests (mySociety extension)",
    response_class=Response,
    responses=_example_responses(
        "service_request_updates",
        [
            {
                "update_id": "0f6b8f0e-3c7a-4d3e-9a51-6f3f2f4b2a10:3",
                "service_request_id": "0f6b8f0e-3c7a-4d3e-9a51-6f3f2f4b2a10",
                "status": "closed",
                "updated_datetime": "2026-03-03T15:10:00+08:00",
                "description": "已为您办理社保关系转移，请登录社保卡小程序查看。",
                "media_url": None,
            }
        ],
        400,
        404,
    ),
)
async def request_updates(
    fmt: Format,
    session: SessionDep,
    runtime: RuntimeDep,
    start_date: Annotated[
        str | None, Query(description="最早更新时间（W3C，带时区）；默认 end_date 前 90 天", examples=[W3C_EXAMPLE])
    ] = None,
    end_date: Annotated[str | None, Query(description="最晚更新时间（W3C，带时区）；默认现在")] = None,
) -> Response:
    """Routing, replies, closings and reopenings of Open311 requests in the window, oldest first,
    at most 1000; `status` is the request's Open311 status after the update."""
    fmt = check_format(fmt)
    problems: list[str] = []
    since, until = service.time_window(start_date, end_date, problems)
    if problems:
        raise Open311Error(400, *problems)
    names = await runtime.extras["catalog"].department_names()
    updates = await service.find_updates(session, since=since, until=until, names=names)
    return render(fmt, "service_request_updates", updates)
