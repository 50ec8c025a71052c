"""Open311 requests as tickets: parse what clients send, file through the ticket service, and
present tickets as GeoReport v2 requests and updates with no personal data."""

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.common.workdays import CHINA
from notify_svc.open311 import repository
from notify_svc.open311.formats import Open311Error
from notify_svc.open311.services import SERVICES, Service, open311_status, ticket_statuses
from notify_svc.settings import Settings
from notify_svc.tickets import service as tickets
from notify_svc.tickets.catalog import CatalogClient
from notify_svc.tickets.models import Ticket
from notify_svc.tickets.schemas import Contact, TicketCreate

DEFAULT_WINDOW = timedelta(days=90)  # the spec's default span of GET requests
# The ticket service's limit of a ticket's content (category heading included).
CONTENT_MAX = next(
    rule.max_length for rule in TicketCreate.model_fields["content"].metadata if hasattr(rule, "max_length")
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def w3c(at: datetime) -> str:
    """The spec's W3C date-time, in Beijing time (the offset says so)."""
    return at.astimezone(CHINA).isoformat(timespec="seconds")


# --- reading the query ----------------------------------------------------------------------


def _parse_time(name: str, value: str | None, problems: list[str]) -> datetime | None:
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value.strip())
    except ValueError:
        problems.append(f"{name} 不是 W3C 日期时间，例如 2026-03-01T08:00:00+08:00")
        return None
    if at.tzinfo is None:
        problems.append(f"{name} 缺少时区，例如 2026-03-01T08:00:00+08:00 或 2026-03-01T00:00:00Z")
        return None
    return at


def _comma_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def time_window(start_date: str | None, end_date: str | None, problems: list[str]) -> tuple[datetime, datetime]:
    """The window asked for; a missing end is 90 days away from the other (from now when neither is given)."""
    start = _parse_time("start_date", start_date, problems)
    end = _parse_time("end_date", end_date, problems)
    if end is None:
        end = start + DEFAULT_WINDOW if start else datetime.now(CHINA)
    start = start or end - DEFAULT_WINDOW
    if start > end:
        problems.append("start_date 不能晚于 end_date")
    return start, end


@dataclass(frozen=True)
class RequestQuery:
    """The filters of GET requests; `ids` (service_request_id) overrides the others, as the spec says."""

    ids: list[uuid.UUID]
    service_codes: list[str]
    statuses: list[str]
    start: datetime
    end: datetime


def request_query(
    *,
    service_request_id: str | None,
    service_code: str | None,
    start_date: str | None,
    end_date: str | None,
    status: str | None,
) -> RequestQuery:
    problems: list[str] = []
    ids = []
    for raw in _comma_list(service_request_id):
        try:
            ids.append(uuid.UUID(raw))
        except ValueError:
            problems.append(f"service_request_id {raw} 不是有效的请求编号")
    codes = _comma_list(service_code)
    problems += [f"未知的 service_code {code}" for code in codes if code not in SERVICES]
    states = _comma_list(status)
    problems += [f"status 只能是 open 或 closed，收到 {state}" for state in states if state not in ("open", "closed")]
    start, end = time_window(start_date, end_date, problems)
    if problems:
        raise Open311Error(400, *problems)
    statuses = [ticket_status for state in dict.fromkeys(states) for ticket_status in ticket_statuses(state)]
    return RequestQuery(ids, codes, statuses, start, end)


async def find_requests(session: AsyncSession, query: RequestQuery) -> list[Ticket]:
    if query.ids:
        return list(await repository.by_ids(session, query.ids))
    return list(
        await repository.search(
            session,
            service_codes=query.service_codes,
            statuses=query.statuses,
            requested_from=query.start,
            requested_to=query.end,
        )
    )


async def find_request(session: AsyncSession, service_request_id: str) -> Ticket:
    try:
        wanted = uuid.UUID(service_request_id)
    except ValueError:
        raise Open311Error(404, f"请求 {service_request_id} 不存在") from None
    found = await repository.by_ids(session, [wanted])
    if not found:
        raise Open311Error(404, f"请求 {service_request_id} 不存在")
    return found[0]


# --- presenting tickets ---------------------------------------------------------------------


def public_text(text: str | None, ticket: Ticket) -> str | None:
    """The text with the submitter's name, phone and email blanked, and any mobile number masked:
    descriptions and replies are public, and people write their details into them."""
    if text is None:
        return None
    contact = ticket.contact or {}
    for personal in (contact.get("name"), contact.get("phone"), contact.get("email")):
        if personal and len(personal) >= 2:
            text = text.replace(personal, "***")
    return _MOBILE.sub(r"\1****\3", text)


def _citizen_text(ticket: Ticket, service: Service | None) -> str:
    return ticket.content.removeprefix(service.content_prefix) if service else ticket.content


def _status_notes(ticket: Ticket) -> str | None:
    if ticket.merged_into is not None:
        return f"与请求 {ticket.merged_into} 重复，已并入该请求办理"
    if ticket.status in ("replied", "closed"):
        return public_text(ticket.reply, ticket)
    return None


def request_view(ticket: Ticket) -> dict[str, Any]:
    """A ticket as a GeoReport v2 request (the spec's fields, in its order)."""
    service = SERVICES.get(ticket.service_code or "")
    status = open311_status(ticket.status)
    return {
        "service_request_id": str(ticket.id),
        "status": status,
        "status_notes": _status_notes(ticket),
        "service_name": service.name if service else None,
        "service_code": ticket.service_code,
        "description": public_text(_citizen_text(ticket, service), ticket),
        "agency_responsible": ticket.department,
        "service_notice": None,
        "requested_datetime": w3c(ticket.created_at),
        "updated_datetime": w3c(ticket.updated_at),
        "expected_datetime": w3c(ticket.due_at) if status == "open" else None,
        "address": ticket.address,
        "address_id": None,
        "zipcode": None,
        "lat": ticket.lat,
        "long": ticket.long,
        "media_url": None,
    }


# History actions shown as updates, with the Open311 status after them. Receipt, escalation,
# return visits and merges are the hotline's internal steps.
_UPDATE_ACTIONS = {
    "assigned": "open",
    "rerouted": "open",
    "sent_back": "open",
    "reopened": "open",
    "replied": "closed",
    "closed": "closed",
}


def _update_text(
    ticket: Ticket, action: str, detail: dict[str, Any], is_last_reply: bool, names: Mapping[str, str]
) -> str | None:
    if action == "assigned":
        return f"已分派至承办部门 {_department(detail.get('department'), names)}"
    if action == "rerouted":
        return f"已改派至承办部门 {_department(detail.get('to'), names)}"
    if action == "sent_back":
        return "承办部门已退回，由 12345 热线中心重新分派"
    if action == "reopened":
        return "已重新办理"
    if action == "replied":
        # Replies logged before the history kept their text show the latest reply, or a placeholder.
        text = detail.get("reply") or (ticket.reply if is_last_reply else None)
        return public_text(text, ticket) if text else "承办部门已答复（该答复后已重新办理）"
    return "已办结"


def _department(code: str | None, names: Mapping[str, str]) -> str:
    """The department's name for the public (公安机关), its code when the catalog does not say."""
    return names.get(code or "", code or "")


def updates_of(ticket: Ticket, *, since: datetime, until: datetime, names: Mapping[str, str]) -> list[dict[str, Any]]:
    """The ticket's replies and status changes within the window, as mySociety request updates."""
    last_reply = max((i for i, entry in enumerate(ticket.history) if entry["action"] == "replied"), default=-1)
    updates = []
    for index, entry in enumerate(ticket.history):
        status = _UPDATE_ACTIONS.get(entry["action"])
        at = datetime.fromisoformat(entry["at"])
        if status is None or not since <= at <= until:
            continue
        updates.append(
            {
                "update_id": f"{ticket.id}:{index}",
                "service_request_id": str(ticket.id),
                "status": status,
                "updated_datetime": w3c(at),
                "description": _update_text(
                    ticket, entry["action"], entry.get("detail") or {}, index == last_reply, names
                ),
                "media_url": None,
            }
        )
    return updates


async def find_updates(
    session: AsyncSession, *, since: datetime, until: datetime, names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Every update of the window, oldest first, at most the spec's 1000 (a client syncing by
    start_date asks again from the last one it got); departments named by `names`."""
    updates = [
        update
        for ticket in await repository.changed_between(session, since=since, until=until)
        for update in updates_of(ticket, since=since, until=until, names=names)
    ]
    updates.sort(key=lambda update: update["updated_datetime"])  # one offset (+08:00): text order is time order
    return updates[: repository.MAX_RESULTS]


# --- filing a request -----------------------------------------------------------------------


@dataclass(frozen=True)
class NewRequest:
    service: Service
    ticket: TicketCreate
    email: str | None
    location: dict[str, Any]


def _full_name(first_name: str | None, last_name: str | None) -> str | None:
    first, last = (first_name or "").strip(), (last_name or "").strip()
    if not first and not last:
        return None
    # Chinese names put the family name first; latin ones after the given name.
    return f"{last}{first}" if _CJK.search(first + last) else f"{first} {last}".strip()


def _coordinate(form: Mapping[str, str], name: str, bound: float, problems: list[str]) -> float | None:
    raw = (form.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        problems.append(f"{name} 不是数字")
        return None
    if not -bound <= value <= bound:  # NaN fails this too
        problems.append(f"{name} 须在 -{bound:g} 到 {bound:g} 之间")
        return None
    return value


def _location(form: Mapping[str, str], problems: list[str]) -> dict[str, Any]:
    """Where: lat and long together, or an address_string (the spec requires one of them)."""
    given = [name for name in ("lat", "long") if (form.get(name) or "").strip()]
    lat, long = _coordinate(form, "lat", 90, problems), _coordinate(form, "long", 180, problems)
    address = (form.get("address_string") or "").strip() or None
    if len(given) == 1:
        problems.append("lat 和 long 须同时提供")
    elif not given and address is None:
        problems.append("缺少位置：请提供 lat 和 long，或 address_string")
    if address is not None and len(address) > 300:
        problems.append("address_string 不能超过 300 个字符")
    return {"lat": lat, "long": long, "address": address}


def _contact(form: Mapping[str, str], problems: list[str]) -> Contact:
    """The citizen's name and phone, checked as the ticket service checks them."""
    try:
        return Contact(
            name=_full_name(form.get("first_name"), form.get("last_name")),
            phone=(form.get("phone") or "").strip() or None,
        )
    except ValidationError as error:
        messages = {
            "phone": "phone 不是有效的手机号码",
            "name": "first_name 和 last_name 合计不能超过 50 个字符",
        }
        problems += [messages[str(problem["loc"][0])] for problem in error.errors()]
        return Contact()


def _service(form: Mapping[str, str], problems: list[str]) -> Service | None:
    code = (form.get("service_code") or "").strip()
    if not code:
        problems.append("缺少 service_code")
    elif code not in SERVICES:
        problems.append(f"未知的 service_code {code}，可用的服务见 services.json")
    return SERVICES.get(code)


def _description(form: Mapping[str, str], service: Service | None, problems: list[str]) -> str:
    description = (form.get("description") or "").strip()
    # The category heads the ticket's content, so the description has that much less room.
    limit = CONTENT_MAX - len(service.content_prefix if service else "")
    if len(description) < 2:
        problems.append("缺少 description：请描述诉求（至少 2 个字）")
    elif len(description) > limit:
        problems.append(f"description 不能超过 {limit} 个字符")
    return description


def new_request(form: Mapping[str, str]) -> NewRequest:
    """Read a POST requests form; every problem at once. `attribute[...]` fields are ignored: no
    service has metadata, so none is defined. jurisdiction_id, address_id, device_id, account_id
    and media_url are accepted and not kept."""
    problems: list[str] = []
    service = _service(form, problems)
    description = _description(form, service, problems)
    email = (form.get("email") or "").strip() or None
    if email is not None and (len(email) > 254 or not _EMAIL.match(email)):
        problems.append("email 不是有效的邮箱地址")
    location = _location(form, problems)
    contact = _contact(form, problems)
    if problems or service is None:
        raise Open311Error(400, *problems)
    # The category heads the content: staff see it, and its keywords route the ticket.
    ticket = TicketCreate(type=service.ticket_type, content=service.content_prefix + description, contact=contact)
    return NewRequest(service, ticket, email, location)


async def file_request(
    session: AsyncSession, *, settings: Settings, catalog: CatalogClient, client: str, request: NewRequest
) -> dict[str, Any]:
    """File the request as a ticket through the ticket service; the POST answer's one entry."""
    ticket, merged = await tickets.file_ticket(
        session,
        settings=settings,
        catalog=catalog,
        submitter=client,
        body=request.ticket,
        source=repository.OPEN311_SOURCE,
        open311={"service_code": request.service.code, **request.location},
    )
    filed = await repository.merged_copy(session, primary_id=ticket.id, submitter=client) if merged else ticket
    assert filed is not None  # the ticket service has just added it
    if request.email:
        # Kept for the hotline's answer by email; Open311 reads never show it.
        filed.contact = {**filed.contact, "email": request.email}
    if merged:
        notice = f"与未办结的请求 {ticket.id} 重复，已并入该请求办理"
    else:
        department = _department(ticket.department, await catalog.department_names())
        notice = (
            f"已受理，工单号 {tickets.short_number(ticket.id)}，"
            f"由 {department} 于 {tickets.local_time(ticket.due_at)} 前答复"
        )
    return {"service_request_id": str(filed.id), "service_notice": notice, "account_id": None}
