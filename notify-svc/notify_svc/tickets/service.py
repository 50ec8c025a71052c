"""The 12345 hotline (一号服务): file, route, merge duplicates, reply on deadline, reopen, escalate."""

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.common.workdays import CHINA, reply_deadline
from notify_svc.deliveries import repository as deliveries
from notify_svc.notifications import service as notifications
from notify_svc.settings import Settings
from notify_svc.tickets import repository
from notify_svc.tickets.catalog import CatalogClient, similarity
from notify_svc.tickets.models import OPEN_STATUSES, Ticket
from notify_svc.tickets.schemas import TicketCreate
from onevisit.auth import Identity
from onevisit.db import utcnow
from onevisit.errors import Conflict, Forbidden, NotFound

DUPLICATE_SIMILARITY = 0.6
INSTANT_ANSWER_TYPES = ("consultation", "query")


class TicketNotFound(NotFound):
    code = "ticket_not_found"
    title = "未找到该工单"


class TicketForbidden(Forbidden):
    code = "ticket_forbidden"
    title = "无权处理该工单"


class TicketStateConflict(Conflict):
    code = "ticket_state_conflict"
    title = "工单当前状态不允许该操作"


def short_number(ticket_id: uuid.UUID) -> str:
    return ticket_id.hex[:8].upper()


def _log(ticket: Ticket, *, actor: str, action: str, detail: dict[str, Any] | None = None) -> None:
    # A new list, so the JSON column is seen as changed.
    ticket.history = [
        *ticket.history,
        {"at": utcnow().isoformat(), "actor": actor, "action": action, "detail": detail or {}},
    ]


def reply_days(settings: Settings, *, region: str, ticket_type: str) -> int:
    """Reply limit in working days: the region's setting, else the default (consultation 1, others 5)."""
    table = settings.hotline_reply_days.get(region) or settings.hotline_reply_days.get("default", {})
    return table.get(ticket_type, table.get("default", 5))


async def route(
    session: AsyncSession,
    *,
    settings: Settings,
    catalog: CatalogClient,
    application_id: uuid.UUID | None,
    bundle_code: str | None,
    content: str,
) -> tuple[str | None, list[str], str]:
    """Lead and assisting departments by rule: the application's, the bundle's, then the keyword catalogue."""
    if application_id is not None:
        delivery = await deliveries.by_application(session, application_id)
        if delivery is not None and delivery.departments:
            return delivery.departments[0], list(delivery.departments[1:]), "application"
    if bundle_code:
        departments = await catalog.bundle_departments(bundle_code)
        if departments:
            return departments[0], departments[1:], "bundle"
    matched = [
        rule.department
        for rule in await repository.rules(session, region=settings.hotline_region)
        if rule.keyword in content
    ]
    if matched:
        ordered = list(dict.fromkeys(matched))
        return ordered[0], ordered[1:], "keyword"
    return None, [], "none"


async def _find_duplicate(
    session: AsyncSession, *, settings: Settings, submitter: str, body: TicketCreate
) -> Ticket | None:
    since = utcnow() - timedelta(days=settings.duplicate_window_days)
    candidates = await repository.open_of_submitter(
        session, submitter=submitter, phone=body.contact.phone, type_=body.type, since=since
    )
    for ticket in candidates:
        same_subject = ticket.application_id == body.application_id and ticket.bundle_code == body.bundle_code
        if same_subject and similarity(ticket.content, body.content) >= DUPLICATE_SIMILARITY:
            return ticket
    return None


async def file_ticket(
    session: AsyncSession,
    *,
    settings: Settings,
    catalog: CatalogClient,
    submitter: str,
    body: TicketCreate,
    source: str,
    open311: dict[str, Any] | None = None,
) -> tuple[Ticket, bool]:
    """File a ticket; a duplicate of an open one is merged into it (and that one is returned)."""
    now = utcnow()
    primary = await _find_duplicate(session, settings=settings, submitter=submitter, body=body)
    if primary is not None:
        merged = Ticket(
            type=body.type,
            content=body.content,
            source=source,
            submitter_subject=submitter,
            contact=body.contact.model_dump(),
            application_id=body.application_id,
            bundle_code=body.bundle_code,
            region=primary.region,
            department=primary.department,
            assisting=primary.assisting,
            status="closed",
            due_at=primary.due_at,
            closed_at=now,
            merged_into=primary.id,
            history=[],
            **(open311 or {}),
        )
        _log(merged, actor="system", action="merged", detail={"into": str(primary.id)})
        session.add(merged)
        primary.duplicates += 1
        _log(primary, actor="system", action="duplicate_merged", detail={"content": body.content})
        return primary, True

    lead, assisting, rule = await route(
        session,
        settings=settings,
        catalog=catalog,
        application_id=body.application_id,
        bundle_code=body.bundle_code,
        content=body.content,
    )
    region = settings.hotline_region
    due_at, estimated = reply_deadline(now, reply_days(settings, region=region, ticket_type=body.type))
    ticket = Ticket(
        type=body.type,
        content=body.content,
        source=source,
        submitter_subject=submitter,
        contact=body.contact.model_dump(),
        application_id=body.application_id,
        bundle_code=body.bundle_code,
        region=region,
        department=lead or settings.hotline_centre,
        assisting=assisting,
        status="assigned" if lead else "received",
        due_at=due_at,
        due_estimated=estimated,
        history=[],
        **(open311 or {}),
    )
    _log(ticket, actor="system", action="received", detail={"source": source})
    if lead:
        _log(
            ticket, actor="system", action="assigned", detail={"department": lead, "assisting": assisting, "rule": rule}
        )
    if body.type in INSTANT_ANSWER_TYPES:
        ticket.instant_answer = await catalog.instant_answer(body.content)
    session.add(ticket)
    await session.flush()
    await _tell_submitter(
        session,
        settings=settings,
        ticket=ticket,
        step="received",
        template="ticket_received",
        values={"部门": ticket.department, "期限": local_time(ticket.due_at)},
    )
    return ticket, False


def local_time(at: datetime) -> str:
    return at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


async def _tell_submitter(
    session: AsyncSession, *, settings: Settings, ticket: Ticket, step: str, template: str, values: dict[str, Any]
) -> None:
    await notifications.record(
        session,
        settings=settings,
        reference=f"ticket:{ticket.id}:{step}",
        step=step,
        recipient_subject=ticket.submitter_subject,
        phone=(ticket.contact or {}).get("phone"),
        template_code=template,
        values={"姓名": (ticket.contact or {}).get("name") or "市民", "工单号": short_number(ticket.id), **values},
        ticket_id=ticket.id,
    )


def can_see(identity: Identity, ticket: Ticket) -> bool:
    if identity.role == "ops":
        return True
    if identity.role == "department":
        return identity.department in (ticket.department, *ticket.assisting)
    return identity.subject == ticket.submitter_subject


async def visible(
    session: AsyncSession, *, identity: Identity, ticket_id: uuid.UUID, for_update: bool = False
) -> Ticket:
    ticket = await repository.get(session, ticket_id, for_update=for_update)
    if ticket is None or not can_see(identity, ticket):
        raise TicketNotFound(f"工单 {ticket_id} 不存在")
    return ticket


async def list_tickets(
    session: AsyncSession,
    *,
    identity: Identity,
    status: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Ticket]:
    """The caller's tickets; a department's for department staff; every ticket for operators."""
    submitter = None if identity.role in ("ops", "department") else identity.subject
    department = identity.department if identity.role == "department" else None
    return list(
        await repository.page(
            session, submitter=submitter, department=department, status=status, after=after, limit=limit
        )
    )


async def reply(
    session: AsyncSession, *, settings: Settings, identity: Identity, ticket_id: uuid.UUID, text: str
) -> Ticket:
    """The lead department (or an operator) answers; on time if before the deadline."""
    ticket = await visible(session, identity=identity, ticket_id=ticket_id, for_update=True)
    if identity.role == "department" and identity.department != ticket.department:
        raise TicketForbidden("只有主办部门可以答复，协办部门请向主办部门提供意见")
    if identity.role not in ("department", "ops"):
        raise TicketForbidden("只有承办部门或话务员可以答复")
    if ticket.status not in OPEN_STATUSES:
        raise TicketStateConflict(f"工单状态为 {ticket.status}，不能答复")
    now = utcnow()
    ticket.status, ticket.reply, ticket.replied_by, ticket.replied_at = "replied", text, identity.subject, now
    ticket.replied_on_time = now <= ticket.due_at
    _log(
        ticket,
        actor=identity.department or identity.subject,
        action="replied",
        # The text too: a reopening replaces `ticket.reply`, the history keeps every answer given.
        detail={"on_time": ticket.replied_on_time, "reply": text},
    )
    await _tell_submitter(
        session,
        settings=settings,
        ticket=ticket,
        step=f"replied:{ticket.reopened}",
        template="ticket_replied",
        values={"答复": text},
    )
    return ticket


async def reroute(
    session: AsyncSession,
    *,
    identity: Identity,
    ticket_id: uuid.UUID,
    department: str,
    assisting: list[str],
    reason: str,
) -> Ticket:
    """An operator routes the ticket again (改派), recorded with the reason."""
    if identity.role != "ops":
        raise TicketForbidden("只有话务员可以改派工单")
    ticket = await visible(session, identity=identity, ticket_id=ticket_id, for_update=True)
    if ticket.status not in OPEN_STATUSES:
        raise TicketStateConflict(f"工单状态为 {ticket.status}，不能改派")
    _log(
        ticket,
        actor=identity.subject,
        action="rerouted",
        detail={"from": ticket.department, "to": department, "assisting": assisting, "reason": reason},
    )
    ticket.department, ticket.assisting, ticket.status = (
        department,
        [d for d in assisting if d != department],
        "assigned",
    )
    return ticket


async def send_back(
    session: AsyncSession, *, settings: Settings, identity: Identity, ticket_id: uuid.UUID, reason: str
) -> Ticket:
    """The lead department returns a ticket that is not theirs (退回) to the hotline centre."""
    ticket = await visible(session, identity=identity, ticket_id=ticket_id, for_update=True)
    if identity.role != "department" or identity.department != ticket.department:
        raise TicketForbidden("只有主办部门可以退回工单")
    if ticket.status != "assigned":
        raise TicketStateConflict(f"工单状态为 {ticket.status}，不能退回")
    _log(ticket, actor=identity.department or identity.subject, action="sent_back", detail={"reason": reason})
    ticket.department, ticket.assisting, ticket.status = settings.hotline_centre, [], "received"
    return ticket


async def close(session: AsyncSession, *, identity: Identity, ticket_id: uuid.UUID) -> Ticket:
    ticket = await visible(session, identity=identity, ticket_id=ticket_id, for_update=True)
    if identity.role not in ("ops",) and identity.subject != ticket.submitter_subject:
        raise TicketForbidden("只有提出人或话务员可以办结工单")
    if ticket.status != "replied":
        raise TicketStateConflict("只有已答复的工单可以办结")
    ticket.status, ticket.closed_at = "closed", utcnow()
    _log(ticket, actor=identity.subject, action="closed")
    return ticket


async def reopen(
    session: AsyncSession, *, settings: Settings, identity: Identity, ticket_id: uuid.UUID, reason: str
) -> Ticket:
    """The submitter is not satisfied with the answer: back to the department with a new deadline."""
    ticket = await visible(session, identity=identity, ticket_id=ticket_id, for_update=True)
    if identity.subject != ticket.submitter_subject and identity.role != "ops":
        raise TicketForbidden("只有提出人或话务员可以重启工单")
    if ticket.status not in ("replied", "closed"):
        raise TicketStateConflict("只有已答复或已办结的工单可以重启")
    ticket.reopened += 1
    ticket.status, ticket.closed_at, ticket.escalation_level, ticket.escalated_at = "assigned", None, 0, None
    ticket.due_at, ticket.due_estimated = reply_deadline(
        utcnow(), reply_days(settings, region=ticket.region, ticket_type=ticket.type)
    )
    _log(ticket, actor=identity.subject, action="reopened", detail={"reason": reason})
    return ticket


async def return_visit(
    session: AsyncSession, *, identity: Identity, ticket_id: uuid.UUID, satisfied: bool, note: str | None
) -> Ticket:
    """The hotline calls the citizen back after the reply (回访) and records what they said."""
    if identity.role != "ops":
        raise TicketForbidden("只有话务员可以回访")
    ticket = await visible(session, identity=identity, ticket_id=ticket_id, for_update=True)
    if ticket.status not in ("replied", "closed"):
        raise TicketStateConflict("答复之后才能回访")
    ticket.return_visit = {"satisfied": satisfied, "note": note, "at": utcnow().isoformat(), "by": identity.subject}
    _log(ticket, actor=identity.subject, action="return_visit", detail={"satisfied": satisfied})
    return ticket


async def escalate_overdue(session: AsyncSession, *, settings: Settings, now: datetime) -> int:
    """Escalate every open ticket past its deadline once (督办); safe to run twice or in two replicas."""
    escalated = 0
    for ticket in await repository.overdue(session, now=now):
        ticket.escalation_level, ticket.escalated_at = 1, now
        _log(ticket, actor="system", action="escalated", detail={"due_at": ticket.due_at.isoformat()})
        await notifications.record(
            session,
            settings=settings,
            reference=f"ticket:{ticket.id}:overdue:{ticket.reopened}",
            step="overdue",
            recipient_subject=f"dept:{ticket.department}",
            phone=None,
            template_code="ticket_overdue",
            values={"工单号": short_number(ticket.id), "期限": local_time(ticket.due_at), "部门": ticket.department},
            ticket_id=ticket.id,
        )
        escalated += 1
    return escalated
