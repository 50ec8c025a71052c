"""The audit log for operators, newest first, with personal data masked."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from gateway.audit import repository
from gateway.audit.schemas import AuditPage, AuditRead
from gateway.security import OpsCaller
from onevisit.logging import mask_personal_data
from onevisit.service import SessionDep

router = APIRouter(prefix="/v1/admin/audit", tags=["operations"])


@router.get("", response_model=AuditPage, summary="Read the audit log")
async def read_audit_log(
    session: SessionDep,
    _ops: OpsCaller,
    subject: str | None = None,
    client_id: str | None = None,
    request_id: str | None = None,
    application_id: str | None = None,
    before: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AuditPage:
    """Every write through the gateway: who, what, when, from which system, with its request id."""
    rows = await repository.search(
        session,
        subject=subject,
        client_id=client_id,
        request_id=request_id,
        application_id=application_id,
        before=before,
        limit=limit,
    )
    items = []
    for row in rows:
        item = AuditRead.model_validate(row)
        # Operators are neither the owner nor the responsible department: they see masked ids.
        items.append(
            item.model_copy(
                update={
                    "subject": mask_personal_data(item.subject) if item.subject else None,
                    "end_user_id": mask_personal_data(item.end_user_id) if item.end_user_id else None,
                }
            )
        )
    next_cursor = items[-1].at.isoformat() if len(items) == limit else None
    return AuditPage(items=items, next_cursor=next_cursor)
