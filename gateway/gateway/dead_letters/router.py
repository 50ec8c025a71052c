"""`/v1/admin/dead-letters` at the gateway: every service's dead letters merged (ops only)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import Field

from gateway.dead_letters import service
from gateway.security import OpsCaller
from gateway.state import GatewayDep
from onevisit.dead_letters import DeadLetterPage, DeadLetterRead
from onevisit.service import SessionDep

router = APIRouter(prefix="/v1/admin/dead-letters", tags=["operations"])


class MergedDeadLetterPage(DeadLetterPage):
    unavailable: list[str] = Field(
        default_factory=list, description="services that did not answer", examples=[["notify"]]
    )


@router.get("", response_model=MergedDeadLetterPage, summary="List every service's dead letters")
async def list_dead_letters(
    session: SessionDep,
    gateway: GatewayDep,
    caller: OpsCaller,
    include_replayed: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> MergedDeadLetterPage:
    """Messages no service could handle, newest first, each with the service that holds it."""
    assert caller.identity is not None
    items, unavailable = await service.merged(
        session, gateway=gateway, identity=caller.identity, include_replayed=include_replayed, limit=limit
    )
    return MergedDeadLetterPage(items=items, unavailable=unavailable)


@router.post(
    "/{dead_letter_id}/replay",
    response_model=DeadLetterRead,
    summary="Replay a dead letter",
    responses={404: {"description": "no service holds it"}},
)
async def replay(
    dead_letter_id: uuid.UUID,
    gateway: GatewayDep,
    caller: OpsCaller,
    service_name: Annotated[str | None, Query(alias="service")] = None,
) -> Response:
    """Replay at the service holding it (`service` names it; otherwise each is asked in turn)."""
    assert caller.identity is not None
    status, body = await service.replay(
        gateway=gateway, identity=caller.identity, dead_letter_id=str(dead_letter_id), service=service_name
    )
    return Response(body, status_code=status, media_type="application/json")
