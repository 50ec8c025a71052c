"""The one delivery (一窗出件): opened on submission, made ready on completion with every result,
then picked up at the window, shipped by express, or issued electronically."""

import secrets
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.common.persistence import insert_once
from notify_svc.deliveries import repository
from notify_svc.deliveries.couriers import Courier, SimulatedCourier
from notify_svc.deliveries.models import CHANGEABLE_STATUSES, Delivery
from notify_svc.deliveries.schemas import Address, DeliveryRead
from notify_svc.licences import repository as licence_repository
from notify_svc.licences import service as licences
from notify_svc.notifications import service as notifications
from notify_svc.settings import Settings
from onevisit.auth import Identity
from onevisit.db import utcnow
from onevisit.errors import Conflict, Forbidden, NotFound, ProblemDetail, ValidationFailed
from onevisit.events import Applicant, ApplicationCompleted

METHOD_NAMES = {"window": "窗口领取", "express": "邮寄送达", "electronic": "电子送达"}
STAFF_ROLES = ("clerk", "ops")


class DeliveryNotFound(NotFound):
    code = "delivery_not_found"
    title = "未找到该办件的送达信息"


class DeliveryForbidden(Forbidden):
    code = "delivery_forbidden"
    title = "只能查看或修改本人办件的送达方式"


class PickupCodeMismatch(ValidationFailed):
    code = "pickup_code_mismatch"
    title = "取件码不正确"


class DeliveryNotReady(Conflict):
    code = "delivery_not_ready"
    title = "结果尚未备齐或已领取"


class UnknownTrackingNumber(NotFound):
    code = "unknown_tracking_number"
    title = "未找到该运单"


COURIER: Courier = SimulatedCourier()


class DeliveryAlreadyDispatched(Conflict):
    code = "delivery_already_dispatched"
    title = "结果已寄出或已领取，不能再修改送达方式"


def short_number(application_id: uuid.UUID) -> str:
    """The number read out on the phone and printed in messages: the id's first 8 hex digits."""
    return application_id.hex[:8].upper()


def base_values(delivery: Delivery) -> dict[str, Any]:
    return {
        "姓名": delivery.owner_name or "申请人",
        "办件编号": short_number(delivery.application_id),
        "事项": delivery.bundle_code or "一件事",
        "送达方式": METHOD_NAMES.get(delivery.method, delivery.method),
    }


async def notify_step(
    session: AsyncSession,
    *,
    settings: Settings,
    delivery: Delivery,
    step: str,
    template_code: str,
    values: dict[str, Any] | None = None,
) -> None:
    """The applicant's message for one step of their application; recorded at most once per step."""
    await notifications.record(
        session,
        settings=settings,
        reference=f"application:{delivery.application_id}:{step}",
        step=step,
        recipient_subject=delivery.owner_subject,
        phone=delivery.owner_phone,
        template_code=template_code,
        values={**base_values(delivery), **(values or {})},
        application_id=delivery.application_id,
    )


async def open_delivery(
    session: AsyncSession,
    *,
    settings: Settings,
    application_id: uuid.UUID,
    applicant: Applicant,
    bundle_code: str | None,
) -> Delivery:
    """The application's delivery, created pending on first sight; exactly one per application."""
    delivery = await repository.by_application(session, application_id)
    if delivery is not None:
        if bundle_code and not delivery.bundle_code:
            delivery.bundle_code = bundle_code
        return delivery
    delivery = Delivery(
        application_id=application_id,
        bundle_code=bundle_code,
        owner_subject=applicant.subject,
        owner_name=applicant.name,
        owner_phone=applicant.phone,
        owner_kind=applicant.kind,
        method=settings.default_delivery_method,
        status="pending",
        results=[],
        departments=[],
        tracking=[],
    )
    if not await insert_once(session, delivery):
        # Another replica opened it a moment ago, from a sibling event of the same application.
        found = await repository.by_application(session, application_id)
        assert found is not None
        return found
    return delivery


def remember_departments(delivery: Delivery, codes: list[str]) -> None:
    """Add departments in the order first seen (the first is taken as the lead for 12345 routing)."""
    merged = list(dict.fromkeys([*delivery.departments, *codes]))
    if merged != delivery.departments:
        delivery.departments = merged  # a new list, so the JSON column is seen as changed


async def complete(session: AsyncSession, *, settings: Settings, event: ApplicationCompleted) -> Delivery:
    """Collect every result, store the licences, make the delivery ready and tell the applicant."""
    delivery = await open_delivery(
        session,
        settings=settings,
        application_id=event.application_id,
        applicant=event.applicant,
        bundle_code=event.bundle_code,
    )
    # Lock the row so an applicant's change of method waits for (and then sees) the completion.
    await repository.by_application(session, event.application_id, for_update=True)
    if delivery.status != "pending":
        return delivery  # already completed (a re-published event) or withdrawn
    for result in event.results:
        await licences.store_from_result(
            session,
            application_id=event.application_id,
            result=result,
            applicant=event.applicant,
            issued_at=event.occurred_at,
        )
    remember_departments(delivery, [result.department_code for result in event.results])
    delivery.results = [result.model_dump(mode="json") for result in event.results]
    delivery.outcome = event.outcome
    delivery.status = "ready"
    delivery.ready_at = utcnow()
    approved = sum(1 for r in event.results if r.status == "approved")
    await notify_step(
        session,
        settings=settings,
        delivery=delivery,
        step="completed",
        template_code=f"application_{event.outcome}",
        values={"通过数": approved, "未通过数": len(event.results) - approved},
    )
    await _deliver_ready(session, settings=settings, delivery=delivery)
    return delivery


async def _deliver_ready(session: AsyncSession, *, settings: Settings, delivery: Delivery) -> None:
    """Start the delivery of a ready result by its method (also after the applicant changes it)."""
    if delivery.method == "window":
        if delivery.pickup_code is None:
            delivery.pickup_code = f"{secrets.randbelow(10**6):06d}"
            delivery.hall = settings.pickup_hall
        await notify_step(
            session,
            settings=settings,
            delivery=delivery,
            step="ready_for_pickup",
            template_code="ready_for_pickup",
            values={"地点": delivery.hall, "取件码": delivery.pickup_code},
        )
    elif delivery.method == "express" and delivery.address is not None:
        delivery.courier = COURIER.name
        delivery.tracking_number = await COURIER.ship(
            application_id=delivery.application_id, address=delivery.address, results=delivery.results
        )
        delivery.status, delivery.dispatched_at = "dispatched", utcnow()
        delivery.tracking = [
            *delivery.tracking,
            {"at": utcnow().isoformat(), "status": "booked", "description": "已交寄"},
        ]
        await notify_step(
            session,
            settings=settings,
            delivery=delivery,
            step="shipped",
            template_code="shipped",
            values={"快递公司": COURIER.display_name, "运单号": delivery.tracking_number},
        )
    elif delivery.method == "electronic":
        issued = await licence_repository.by_application(session, application_id=delivery.application_id)
        delivery.status = "delivered"
        delivery.delivered_at = utcnow()
        await notify_step(
            session,
            settings=settings,
            delivery=delivery,
            step="delivered_electronically",
            template_code="delivered_electronically",
            values={"证照数": len(issued)},
        )


async def confirm_pickup(
    session: AsyncSession, *, identity: Identity, application_id: uuid.UUID, pickup_code: str
) -> DeliveryRead:
    """A window clerk hands the results over against the pickup code the applicant shows."""
    delivery = await repository.by_application(session, application_id, for_update=True)
    if delivery is None:
        raise DeliveryNotFound(f"办件 {application_id} 尚无送达信息")
    if delivery.method != "window" or delivery.status != "ready":
        raise DeliveryNotReady()
    if not secrets.compare_digest(pickup_code, delivery.pickup_code or ""):
        raise PickupCodeMismatch(
            problems=[ProblemDetail(code="pickup_code.mismatch", field="pickup_code", message="取件码不正确，请核对")]
        )
    delivery.status, delivery.delivered_at, delivery.picked_up_by = "delivered", utcnow(), identity.subject
    read = await to_read(session, delivery)
    read.pickup_code = None
    return read


async def track(session: AsyncSession, *, tracking_number: str, status: str, description: str | None) -> DeliveryRead:
    """A courier's tracking update; `delivered` completes the delivery. Repeated updates are harmless."""
    delivery = await repository.by_tracking_number(session, tracking_number)
    if delivery is None:
        raise UnknownTrackingNumber(f"运单 {tracking_number} 不存在")
    entry = {"status": status, "description": description}
    if entry not in [{"status": t["status"], "description": t.get("description")} for t in delivery.tracking]:
        delivery.tracking = [*delivery.tracking, {"at": utcnow().isoformat(), **entry}]
    if status == "delivered" and delivery.status == "dispatched":
        delivery.status, delivery.delivered_at = "delivered", utcnow()
    read = await to_read(session, delivery)
    read.pickup_code = None
    return read


async def cancel(session: AsyncSession, *, settings: Settings, application_id: uuid.UUID) -> Delivery | None:
    """A withdrawn application delivers nothing; the applicant is told once."""
    delivery = await repository.by_application(session, application_id)
    if delivery is None or delivery.status == "cancelled":
        return delivery
    if delivery.status in CHANGEABLE_STATUSES:
        delivery.status = "cancelled"
        await notify_step(
            session, settings=settings, delivery=delivery, step="withdrawn", template_code="application_withdrawn"
        )
    return delivery


async def _visible(
    session: AsyncSession, *, identity: Identity, application_id: uuid.UUID, for_update: bool = False
) -> Delivery:
    # for_update: a change of method and the completion (consumer) must not interleave.
    delivery = await repository.by_application(session, application_id, for_update=for_update)
    if delivery is None:
        raise DeliveryNotFound(f"办件 {application_id} 尚无送达信息")
    if identity.subject != delivery.owner_subject and identity.role not in STAFF_ROLES:
        raise DeliveryForbidden()
    return delivery


async def read(session: AsyncSession, *, identity: Identity, application_id: uuid.UUID) -> DeliveryRead:
    delivery = await _visible(session, identity=identity, application_id=application_id)
    read = await to_read(session, delivery)
    if identity.subject != delivery.owner_subject:
        # The clerk checks the code the applicant shows; staff never read it here.
        read.pickup_code = None
    return read


async def change_method(
    session: AsyncSession,
    *,
    settings: Settings,
    identity: Identity,
    application_id: uuid.UUID,
    method: str,
    address: Address | None,
) -> DeliveryRead:
    """The owner chooses or changes the method until the results are dispatched or picked up."""
    delivery = await _visible(session, identity=identity, application_id=application_id, for_update=True)
    if identity.subject != delivery.owner_subject:
        raise DeliveryForbidden("只有申请人本人可以修改送达方式")
    if delivery.status not in CHANGEABLE_STATUSES:
        raise DeliveryAlreadyDispatched()
    if method == "express" and address is None:
        raise ValidationFailed(
            "邮寄送达需要填写收件地址",
            problems=[ProblemDetail(code="address.required", field="address", message="请填写收件人、电话和详细地址")],
        )
    delivery.method = method
    delivery.address = address.model_dump() if method == "express" and address is not None else None
    if delivery.status == "ready":
        await _deliver_ready(session, settings=settings, delivery=delivery)
    await session.flush()
    return await to_read(session, delivery)


async def to_read(session: AsyncSession, delivery: Delivery) -> DeliveryRead:
    issued = await licence_repository.by_application(session, application_id=delivery.application_id)
    return DeliveryRead(
        application_id=delivery.application_id,
        method=delivery.method,  # type: ignore[arg-type]
        status=delivery.status,  # type: ignore[arg-type]
        pickup_code=delivery.pickup_code,
        hall=delivery.hall,
        address=delivery.address,
        courier=delivery.courier,
        tracking_number=delivery.tracking_number,
        tracking=delivery.tracking,
        outcome=delivery.outcome,
        results=delivery.results,
        licences=[licences.summary(licence) for licence in issued],
        ready_at=delivery.ready_at,
        dispatched_at=delivery.dispatched_at,
        delivered_at=delivery.delivered_at,
        updated_at=delivery.updated_at,
    )
