"""Delivery endpoints: `/v1/applications/{id}/delivery`."""

import uuid

from fastapi import APIRouter

from notify_svc.deliveries import service
from notify_svc.deliveries.schemas import DeliveryRead, DeliveryUpdate
from notify_svc.settings import Settings
from onevisit.auth import CurrentIdentity
from onevisit.service import RuntimeDep, SessionDep

router = APIRouter(prefix="/v1/applications/{application_id}/delivery", tags=["delivery"])


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
