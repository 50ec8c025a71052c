"""Delivery endpoints: `/v1/applications/{id}/delivery`."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from notify_svc.deliveries import service
from notify_svc.deliveries.schemas import DeliveryRead, DeliveryUpdate, PickupConfirmation, TrackingUpdate
from notify_svc.settings import Settings
from onevisit.auth import CurrentIdentity, Identity, require_roles
from onevisit.service import RuntimeDep, SessionDep

router = APIRouter(prefix="/v1/applications/{application_id}/delivery", tags=["delivery"])
courier_router = APIRouter(prefix="/v1/deliveries", tags=["delivery"])


@router.get("", response_model=DeliveryRead, summary="The application's one delivery")
async def get_delivery(application_id: uuid.UUID, session: SessionDep, identity: CurrentIdentity) -> DeliveryRead:
    """The one delivery of an application: method, status, pickup code, tracking and licences."""
    return await service.read(session, identity=identity, application_id=application_id)


@router.put("", response_model=DeliveryRead, summary="Choose or change the delivery method")
async def put_delivery(
    application_id: uuid.UUID,
    body: DeliveryUpdate,
    session: SessionDep,
    runtime: RuntimeDep,
    identity: CurrentIdentity,
) -> DeliveryRead:
    """Choose window pickup, express mail (with an address) or electronic delivery, until dispatched."""
    settings: Settings = runtime.settings  # type: ignore[assignment]
    return await service.change_method(
        session,
        settings=settings,
        identity=identity,
        application_id=application_id,
        method=body.method,
        address=body.address,
    )


@router.post("/pickup", response_model=DeliveryRead, summary="Confirm a window pickup")
async def confirm_pickup(
    application_id: uuid.UUID,
    body: PickupConfirmation,
    session: SessionDep,
    clerk: Annotated[Identity, Depends(require_roles("clerk"))],
) -> DeliveryRead:
    """A window clerk hands every result over against the applicant's pickup code."""
    return await service.confirm_pickup(
        session, identity=clerk, application_id=application_id, pickup_code=body.pickup_code
    )


@courier_router.post("/tracking", response_model=DeliveryRead, summary="A courier's tracking update")
async def tracking_update(
    body: TrackingUpdate, session: SessionDep, _courier: Annotated[Identity, Depends(require_roles("system"))]
) -> DeliveryRead:
    """A courier pushes a parcel's status; `delivered` completes the delivery."""
    return await service.track(
        session, tracking_number=body.tracking_number, status=body.status, description=body.description
    )
