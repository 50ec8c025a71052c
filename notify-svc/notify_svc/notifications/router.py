"""Notification endpoints: the caller's in-app inbox."""

from typing import Annotated

from fastapi import APIRouter, Query

from notify_svc.common.persistence import decode_cursor, encode_cursor
from notify_svc.notifications import repository
from notify_svc.notifications.schemas import NotificationPage, NotificationRead
from onevisit.auth import CurrentIdentity
from onevisit.service import SessionDep

router = APIRouter(prefix="/v1/notifications", tags=["notifications"])


@router.get("", response_model=NotificationPage, summary="The caller's in-app inbox")
async def list_notifications(
    session: SessionDep,
    identity: CurrentIdentity,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> NotificationPage:
    """The caller's in-app messages (their department's, for department staff), newest first."""
    # Department staff share their department's inbox (overdue tickets, follow-ups to answer).
    subject = f"dept:{identity.department}" if identity.role == "department" else identity.subject
    rows = await repository.list_inbox(
        session, subject=subject, after=decode_cursor(cursor) if cursor else None, limit=limit + 1
    )
    items = [NotificationRead.model_validate(row) for row in rows[:limit]]
    next_cursor = encode_cursor(rows[limit - 1].created_at, rows[limit - 1].id) if len(rows) > limit else None
    return NotificationPage(items=items, next_cursor=next_cursor)
