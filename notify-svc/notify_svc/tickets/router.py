"""12345 hotline endpoints: `/v1/tickets`."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from notify_svc.common.persistence import decode_cursor, encode_cursor
from notify_svc.settings import Settings
from notify_svc.tickets import service
from notify_svc.tickets.models import Ticket
from notify_svc.tickets.schemas import (
    ReturnVisit,
    TicketCreate,
    TicketPage,
    TicketRead,
    TicketReply,
    TicketRoute,
    TicketSendBack,
)
from onevisit.auth import CurrentIdentity
from onevisit.idempotency import record_response, recorded_response, request_fingerprint
from onevisit.service import RuntimeDep, SessionDep

router = APIRouter(prefix="/v1/tickets", tags=["12345 hotline"])


class Reason(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "答复未解决问题，仍不知道去哪里领取"}]})

    reason: str = Field(min_length=2, max_length=500, examples=["答复未解决问题"])


def to_read(ticket: Ticket, *, merged: bool = False) -> TicketRead:
    return TicketRead.model_validate(ticket).model_copy(update={"merged": merged})


@router.post(
    "",
    response_model=TicketRead,
    status_code=201,
    summary="File a 12345 ticket",
    responses={200: {"model": TicketRead, "description": "与近期未办结的相同诉求合并（`merged` 为 true），返回原工单"}},
)
async def file_ticket(
    body: TicketCreate,
    session: SessionDep,
    runtime: RuntimeDep,
    identity: CurrentIdentity,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> JSONResponse:
    """File a ticket: routed at once, with its reply deadline and, for questions, an instant answer."""
    scope = f"tickets:{identity.subject}"
    fingerprint = request_fingerprint(body.model_dump(mode="json"))
    if idempotency_key:
        earlier = await recorded_response(session, scope=scope, key=idempotency_key, request_hash=fingerprint)
        if earlier is not None:
            return JSONResponse(earlier.response, status_code=earlier.status_code)
    settings: Settings = runtime.settings  # type: ignore[assignment]
    # Clerks and operators take calls for citizens: the ticket is the caller's number's, not theirs.
    source = "phone" if identity.role in ("clerk", "ops") else body.source
    ticket, merged = await service.file_ticket(
        session,
        settings=settings,
        catalog=runtime.extras["catalog"],
        submitter=identity.subject,
        body=body,
        source=source,
    )
    answer = to_read(ticket, merged=merged).model_dump(mode="json")
    status = 200 if merged else 201
    if idempotency_key:
        record_response(
            session, scope=scope, key=idempotency_key, request_hash=fingerprint, status_code=status, response=answer
        )
    return JSONResponse(answer, status_code=status)


@router.get("", response_model=TicketPage, summary="List tickets")
async def list_tickets(
    session: SessionDep,
    identity: CurrentIdentity,
    status: Annotated[str | None, Query(pattern="^(received|assigned|replied|closed)$")] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> TicketPage:
    """The caller's tickets, or their department's, or all of them for operators; newest first."""
    rows = await service.list_tickets(
        session, identity=identity, status=status, after=decode_cursor(cursor) if cursor else None, limit=limit + 1
    )
    items = [to_read(row) for row in rows[:limit]]
    next_cursor = encode_cursor(rows[limit - 1].created_at, rows[limit - 1].id) if len(rows) > limit else None
    return TicketPage(items=items, next_cursor=next_cursor)


@router.get("/{ticket_id}", response_model=TicketRead, summary="A ticket")
async def get_ticket(ticket_id: uuid.UUID, session: SessionDep, identity: CurrentIdentity) -> TicketRead:
    """One ticket with its routing, deadline, reply and full history."""
    return to_read(await service.visible(session, identity=identity, ticket_id=ticket_id))


@router.post("/{ticket_id}/reply", response_model=TicketRead, summary="Reply to a ticket")
async def reply(
    ticket_id: uuid.UUID, body: TicketReply, session: SessionDep, runtime: RuntimeDep, identity: CurrentIdentity
) -> TicketRead:
    """The lead department or an operator answers the ticket; the submitter is told."""
    settings: Settings = runtime.settings  # type: ignore[assignment]
    return to_read(
        await service.reply(session, settings=settings, identity=identity, ticket_id=ticket_id, text=body.reply)
    )


@router.post("/{ticket_id}/route", response_model=TicketRead, summary="Re-route a ticket")
async def reroute(
    ticket_id: uuid.UUID, body: TicketRoute, session: SessionDep, identity: CurrentIdentity
) -> TicketRead:
    """An operator sends the ticket to another lead department (and assisting ones), with the reason."""
    return to_read(
        await service.reroute(
            session,
            identity=identity,
            ticket_id=ticket_id,
            department=body.department,
            assisting=body.assisting,
            reason=body.reason,
        )
    )


@router.post("/{ticket_id}/send-back", response_model=TicketRead, summary="Send a ticket back")
async def send_back(
    ticket_id: uuid.UUID, body: TicketSendBack, session: SessionDep, runtime: RuntimeDep, identity: CurrentIdentity
) -> TicketRead:
    """The lead department returns a ticket that is not its own to the hotline centre."""
    settings: Settings = runtime.settings  # type: ignore[assignment]
    return to_read(
        await service.send_back(session, settings=settings, identity=identity, ticket_id=ticket_id, reason=body.reason)
    )


@router.post("/{ticket_id}/close", response_model=TicketRead, summary="Close a replied ticket")
async def close(ticket_id: uuid.UUID, session: SessionDep, identity: CurrentIdentity) -> TicketRead:
    """The submitter (or an operator) closes a replied ticket."""
    return to_read(await service.close(session, identity=identity, ticket_id=ticket_id))


@router.post("/{ticket_id}/reopen", response_model=TicketRead, summary="Reopen a ticket")
async def reopen(
    ticket_id: uuid.UUID, body: Reason, session: SessionDep, runtime: RuntimeDep, identity: CurrentIdentity
) -> TicketRead:
    """The submitter is not satisfied: the ticket goes back to its department with a new deadline."""
    settings: Settings = runtime.settings  # type: ignore[assignment]
    return to_read(
        await service.reopen(session, settings=settings, identity=identity, ticket_id=ticket_id, reason=body.reason)
    )


@router.post("/{ticket_id}/return-visit", response_model=TicketRead, summary="Record the return visit")
async def return_visit(
    ticket_id: uuid.UUID, body: ReturnVisit, session: SessionDep, identity: CurrentIdentity
) -> TicketRead:
    """An operator records the return visit (回访) to the citizen after the reply."""
    return to_read(
        await service.return_visit(
            session, identity=identity, ticket_id=ticket_id, satisfied=body.satisfied, note=body.note
        )
    )
