"""好差评 endpoints, the follow-ups (整改) and the operations statistics."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from notify_svc.ratings import service
from notify_svc.ratings.schemas import FollowUpAnswer, RatingCreate, RatingPage, RatingRead, Stats
from notify_svc.settings import Settings
from onevisit.auth import CurrentIdentity, Identity, require_roles
from onevisit.service import RuntimeDep, SessionDep

router = APIRouter(tags=["好差评"])


@router.post(
    "/v1/applications/{application_id}/rating",
    response_model=RatingRead,
    status_code=201,
    summary="Rate an application",
)
async def rate_application(
    application_id: uuid.UUID, body: RatingCreate, session: SessionDep, runtime: RuntimeDep, identity: CurrentIdentity
) -> RatingRead:
    """Rate a completed application once (5 非常满意 … 1 非常不满意); 1 and 2 open a follow-up."""
    settings: Settings = runtime.settings  # type: ignore[assignment]
    rating = await service.rate_application(
        session,
        settings=settings,
        identity=identity,
        application_id=application_id,
        level=body.level,
        comment=body.comment,
    )
    return service.to_read(rating)


@router.post("/v1/tickets/{ticket_id}/rating", response_model=RatingRead, status_code=201, summary="Rate a ticket")
async def rate_ticket(
    ticket_id: uuid.UUID, body: RatingCreate, session: SessionDep, runtime: RuntimeDep, identity: CurrentIdentity
) -> RatingRead:
    """Rate the answer to a ticket once; that closes it; 1 and 2 open a follow-up."""
    settings: Settings = runtime.settings  # type: ignore[assignment]
    rating = await service.rate_ticket(
        session, settings=settings, identity=identity, ticket_id=ticket_id, level=body.level, comment=body.comment
    )
    return service.to_read(rating)


@router.get("/v1/ratings", response_model=RatingPage, summary="Ratings with a follow-up")
async def list_follow_ups(
    session: SessionDep,
    identity: CurrentIdentity,
    follow_up: Annotated[str | None, Query(pattern="^(open|answered|closed)$")] = None,
) -> RatingPage:
    """Bad ratings and their follow-ups: a department's own, the caller's own, or all for operators."""
    rows = await service.follow_ups(session, identity=identity, status=follow_up)
    return RatingPage(items=[service.to_read(row) for row in rows])


@router.post("/v1/ratings/{rating_id}/follow-up", response_model=RatingRead, summary="Answer a bad rating")
async def answer_follow_up(
    rating_id: uuid.UUID, body: FollowUpAnswer, session: SessionDep, runtime: RuntimeDep, identity: CurrentIdentity
) -> RatingRead:
    """The rated department (or an operator) answers the follow-up (整改答复) before its deadline."""
    settings: Settings = runtime.settings  # type: ignore[assignment]
    rating = await service.answer_follow_up(
        session, settings=settings, identity=identity, rating_id=rating_id, answer=body.answer
    )
    return service.to_read(rating)


@router.post("/v1/ratings/{rating_id}/rerate", response_model=RatingRead, summary="Rate once more after a follow-up")
async def rate_again(
    rating_id: uuid.UUID, body: RatingCreate, session: SessionDep, identity: CurrentIdentity
) -> RatingRead:
    """After the follow-up is answered, the citizen rates once more (once)."""
    rating = await service.rate_again(
        session, identity=identity, rating_id=rating_id, level=body.level, comment=body.comment
    )
    return service.to_read(rating)


@router.get("/v1/admin/stats", response_model=Stats, summary="Satisfaction and hotline statistics")
async def stats(session: SessionDep, _ops: Annotated[Identity, Depends(require_roles("ops"))]) -> Stats:
    """Satisfaction rate, bad-rating follow-up rate and on-time reply rate, by department and bundle."""
    return await service.stats(session)
