"""Licence endpoints: the holder's licences, and verification for other government systems."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from notify_svc.licences import service
from notify_svc.licences.schemas import LicencePage, LicenceRead, LicenceVerification
from onevisit.auth import CurrentIdentity, Identity, require_roles
from onevisit.service import SessionDep

router = APIRouter(prefix="/v1/licences", tags=["licences"])


@router.get("", response_model=LicencePage, summary="The caller's electronic licences")
async def list_licences(session: SessionDep, identity: CurrentIdentity) -> LicencePage:
    """The electronic licences (电子证照) whose holder is the caller."""
    rows = await service.list_for_holder(session, holder_code=identity.subject)
    return LicencePage(items=[LicenceRead.model_validate(row) for row in rows])


@router.get("/{number}/verify", response_model=LicenceVerification, summary="Verify a licence")
async def verify_licence(
    number: str,
    session: SessionDep,
    # Departments too: a task's licence materials (免提交) are verified here instead of a copy.
    _caller: Annotated[Identity, Depends(require_roles("system", "department", "ops"))],
    holder: Annotated[str, Query(pattern=r"^[0-9a-fA-F]{64}$", description="sha256 (hex) of the holder's ID")],
) -> LicenceVerification:
    """Whether the licence with this number is valid and belongs to the hashed holder (other systems)."""
    return await service.verify(session, number=number, holder=holder)
