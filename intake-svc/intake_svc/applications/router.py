"""Applications API: drafts, validation, submission, status, timeline, withdrawal, supplements."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from intake_svc.applications import repository, service
from intake_svc.applications.access import ensure_changeable, ensure_visible
from intake_svc.applications.models import Application
from intake_svc.applications.schemas import (
    ApplicationCreate,
    ApplicationPage,
    ApplicationRead,
    ApplicationUpdate,
    SupplementRequest,
    Timeline,
    TimelineRead,
    ValidationReport,
    WithdrawRequest,
)
from intake_svc.deps import CatalogDep, EventHeaders, LicencesDep, PrefillerDep
from onevisit.auth import CurrentIdentity, Identity
from onevisit.errors import ValidationFailed
from onevisit.idempotency import record_response, recorded_response, request_fingerprint
from onevisit.service import SessionDep

router = APIRouter(prefix="/v1/applications", tags=["applications"])

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


async def changeable(session: AsyncSession, application_id: uuid.UUID, identity: Identity) -> Application:
    return ensure_changeable(await repository.get(session, application_id, for_update=True), identity)


@router.post("", status_code=201, response_model=ApplicationRead)
async def create_application(
    body: ApplicationCreate,
    session: SessionDep,
    identity: CurrentIdentity,
    catalog: CatalogDep,
    prefiller: PrefillerDep,
    licences: LicencesDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Create a draft for a bundle: merged form prefilled, de-duplicated materials, catalog version pinned."""
    scope = f"create:{identity.subject}"
    fingerprint = request_fingerprint(body.model_dump(mode="json"))
    if idempotency_key:
        earlier = await recorded_response(session, scope=scope, key=idempotency_key, request_hash=fingerprint)
        if earlier is not None:
            return JSONResponse(earlier.response, status_code=earlier.status_code)
    application = await service.create_draft(
        session, catalog=catalog, prefiller=prefiller, licences=licences, identity=identity, body=body
    )
    answer = (await service.read(session, application)).model_dump(mode="json")
    if idempotency_key:
        record_response(
            session, scope=scope, key=idempotency_key, request_hash=fingerprint, status_code=201, response=answer
        )
    return JSONResponse(answer, status_code=201)


@router.get("", response_model=ApplicationPage)
async def list_applications(
    session: SessionDep,
    identity: CurrentIdentity,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ApplicationPage:
    """The caller's own applications (a clerk's: those they applied for), newest first."""
    return await service.list_page(session, identity=identity, cursor=cursor, limit=limit)


@router.get("/{application_id}", response_model=ApplicationRead)
async def get_application(application_id: uuid.UUID, session: SessionDep, identity: CurrentIdentity) -> ApplicationRead:
    """One application with its form, materials, deficiencies, corrections and each item's task."""
    application = ensure_visible(await repository.get(session, application_id), identity)
    return await service.read(session, application)


@router.patch("/{application_id}", response_model=ApplicationRead)
async def update_application(
    application_id: uuid.UUID,
    body: ApplicationUpdate,
    session: SessionDep,
    identity: CurrentIdentity,
    catalog: CatalogDep,
    prefiller: PrefillerDep,
    licences: LicencesDep,
) -> ApplicationRead:
    """Save the draft: merge form data; new answers or items re-evaluate and keep what still applies."""
    application = await changeable(session, application_id, identity)
    await service.update_draft(
        session,
        catalog=catalog,
        prefiller=prefiller,
        licences=licences,
        application=application,
        body=body,
        identity=identity,
    )
    return await service.read(session, application)


@router.post("/{application_id}/validate", response_model=ValidationReport)
async def validate_application(
    application_id: uuid.UUID, session: SessionDep, identity: CurrentIdentity, catalog: CatalogDep
) -> ValidationReport:
    """Check everything at once: 200 with no problems, or 422 problem+json listing every problem."""
    application = ensure_visible(await repository.get(session, application_id), identity)
    problems, deficiencies = await service.problems_of(session, catalog=catalog, application=application)
    if problems:
        raise ValidationFailed("申请信息或材料有误，请按提示逐项修改", problems=problems)
    return ValidationReport(problems=[], deficiencies=deficiencies)


@router.post("/{application_id}/submit", status_code=202, response_model=ApplicationRead)
async def submit_application(
    application_id: uuid.UUID,
    session: SessionDep,
    identity: CurrentIdentity,
    catalog: CatalogDep,
    headers: EventHeaders,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Submit once (Idempotency-Key): the immutable snapshot and `application.submitted` in one transaction."""
    application = await changeable(session, application_id, identity)
    status, body = await service.submit(
        session,
        catalog=catalog,
        application=application,
        identity=identity,
        idempotency_key=idempotency_key,
        headers=headers,
    )
    return JSONResponse(body, status_code=status)


@router.get("/{application_id}/timeline", response_model=Timeline)
async def get_timeline(application_id: uuid.UUID, session: SessionDep, identity: CurrentIdentity) -> Timeline:
    """Every state change of the application: when, who, what, details."""
    application = ensure_visible(await repository.get(session, application_id), identity)
    entries = await repository.timeline_of(session, application.id)
    return Timeline(items=[TimelineRead.model_validate(e) for e in entries])


@router.post("/{application_id}/withdraw", response_model=ApplicationRead)
async def withdraw_application(
    application_id: uuid.UUID,
    session: SessionDep,
    identity: CurrentIdentity,
    headers: EventHeaders,
    body: WithdrawRequest | None = None,
) -> ApplicationRead:
    """Withdraw before completion; departments are told (`application.withdrawn`)."""
    application = await changeable(session, application_id, identity)
    await service.withdraw(
        session, application=application, identity=identity, reason=body.reason if body else None, headers=headers
    )
    return await service.read(session, application)


@router.post("/{application_id}/supplement", response_model=ApplicationRead)
async def supplement_application(
    application_id: uuid.UUID,
    body: SupplementRequest,
    session: SessionDep,
    identity: CurrentIdentity,
    headers: EventHeaders,
) -> ApplicationRead:
    """Answer the correction request (and open deficiencies) once, for everything it asked."""
    application = await changeable(session, application_id, identity)
    await service.supplement(session, application=application, identity=identity, body=body, headers=headers)
    return await service.read(session, application)
