"""好差评: rate an application or a ticket once; a bad rating opens a follow-up (整改) that the
department answers by a deadline and the citizen may rate once more; the statistics."""

import uuid
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.common.persistence import insert_once
from notify_svc.common.workdays import reply_deadline
from notify_svc.deliveries import repository as deliveries
from notify_svc.deliveries.service import short_number
from notify_svc.notifications import service as notifications
from notify_svc.ratings import repository
from notify_svc.ratings.models import BAD_LEVELS, LEVEL_NAMES, Rating
from notify_svc.ratings.schemas import GroupRates, Rates, RatingRead, Stats
from notify_svc.settings import Settings
from notify_svc.tickets import repository as tickets
from notify_svc.tickets import service as ticket_service
from notify_svc.tickets.models import Ticket
from onevisit.auth import Identity
from onevisit.db import utcnow
from onevisit.errors import Conflict, Forbidden, NotFound


class RatingTargetNotFound(NotFound):
    code = "rating_target_not_found"
    title = "未找到要评价的办件或工单"


class RatingNotFound(NotFound):
    code = "rating_not_found"
    title = "未找到该评价"


class AlreadyRated(Conflict):
    code = "already_rated"
    title = "已经评价过了"


class NotYetRatable(Conflict):
    code = "not_yet_ratable"
    title = "办结或答复之后才能评价"


class RatingForbidden(Forbidden):
    code = "rating_forbidden"
    title = "只能评价本人的办件或工单"


class FollowUpStateConflict(Conflict):
    code = "follow_up_state_conflict"
    title = "整改当前状态不允许该操作"


def to_read(rating: Rating) -> RatingRead:
    return RatingRead.model_validate(rating).model_copy(update={"level_name": LEVEL_NAMES[rating.level]})


async def rate_application(
    session: AsyncSession,
    *,
    settings: Settings,
    identity: Identity,
    application_id: uuid.UUID,
    level: int,
    comment: str | None,
) -> Rating:
    delivery = await deliveries.by_application(session, application_id)
    if delivery is None:
        raise RatingTargetNotFound(f"办件 {application_id} 不存在")
    if delivery.owner_subject != identity.subject:
        raise RatingForbidden()
    if delivery.status not in ("ready", "dispatched", "delivered"):
        raise NotYetRatable("办件办结后才能评价")
    label = f"办件{short_number(application_id)}"
    return await _rate(
        session,
        settings=settings,
        identity=identity,
        target_type="application",
        target_id=application_id,
        level=level,
        comment=comment,
        departments=delivery.departments,
        bundle_code=delivery.bundle_code,
        label=label,
    )


async def rate_ticket(
    session: AsyncSession,
    *,
    settings: Settings,
    identity: Identity,
    ticket_id: uuid.UUID,
    level: int,
    comment: str | None,
) -> Rating:
    ticket = await tickets.get(session, ticket_id, for_update=True)
    if ticket is None:
        raise RatingTargetNotFound(f"工单 {ticket_id} 不存在")
    if ticket.submitter_subject != identity.subject:
        raise RatingForbidden()
    if ticket.status not in ("replied", "closed"):
        raise NotYetRatable("工单答复后才能评价")
    rating = await _rate(
        session,
        settings=settings,
        identity=identity,
        target_type="ticket",
        target_id=ticket_id,
        level=level,
        comment=comment,
        departments=[ticket.department],
        bundle_code=ticket.bundle_code,
        label=f"工单{ticket_service.short_number(ticket_id)}",
    )
    if ticket.status == "replied":
        ticket.status, ticket.closed_at = "closed", utcnow()
    return rating


async def _rate(
    session: AsyncSession,
    *,
    settings: Settings,
    identity: Identity,
    target_type: str,
    target_id: uuid.UUID,
    level: int,
    comment: str | None,
    departments: list[str],
    bundle_code: str | None,
    label: str,
) -> Rating:
    now = utcnow()
    rating = Rating(
        target_type=target_type,
        target_id=target_id,
        rater_subject=identity.subject,
        level=level,
        comment=comment,
        departments=list(departments),
        bundle_code=bundle_code,
        created_at=now,
    )
    if level in BAD_LEVELS:
        rating.follow_up_status = "open"
        rating.follow_up_due_at, _ = reply_deadline(now, settings.follow_up_days)
    if not await insert_once(session, rating):
        raise AlreadyRated()
    if rating.follow_up_status == "open":
        for department in departments or [settings.hotline_centre]:
            await notifications.record(
                session,
                settings=settings,
                reference=f"rating:{rating.id}:follow_up:{department}",
                step="follow_up",
                recipient_subject=f"dept:{department}",
                phone=None,
                template_code="follow_up_opened",
                values={
                    "对象": label,
                    "期限": ticket_service.local_time(rating.follow_up_due_at),
                    "评价": f"{LEVEL_NAMES[level]} {comment or ''}".strip(),
                },
            )
    return rating


def _may_answer(identity: Identity, rating: Rating) -> bool:
    return identity.role == "ops" or (identity.role == "department" and identity.department in rating.departments)


async def answer_follow_up(
    session: AsyncSession, *, settings: Settings, identity: Identity, rating_id: uuid.UUID, answer: str
) -> Rating:
    """The department answers a bad rating (整改答复); the citizen is told and may rate once more."""
    rating = await repository.get(session, rating_id)
    if rating is None or not (_may_answer(identity, rating) or identity.subject == rating.rater_subject):
        raise RatingNotFound()
    if not _may_answer(identity, rating):
        raise Forbidden("只有被评价的部门或运营人员可以答复整改")
    if rating.follow_up_status != "open":
        raise FollowUpStateConflict("该评价没有待答复的整改")
    rating.follow_up_status, rating.follow_up_answer = "answered", answer
    rating.follow_up_by, rating.follow_up_answered_at = identity.department or identity.subject, utcnow()
    await notifications.record(
        session,
        settings=settings,
        reference=f"rating:{rating.id}:answered",
        step="follow_up_answered",
        recipient_subject=rating.rater_subject,
        phone=None,
        template_code="follow_up_answered",
        values={
            "姓名": "您",
            "对象": "办件" if rating.target_type == "application" else "工单",
            "部门": rating.follow_up_by,
            "答复": answer,
        },
    )
    return rating


async def rate_again(
    session: AsyncSession, *, identity: Identity, rating_id: uuid.UUID, level: int, comment: str | None
) -> Rating:
    """After the follow-up is answered the citizen rates once more; that closes the follow-up."""
    rating = await repository.get(session, rating_id)
    if rating is None or rating.rater_subject != identity.subject:
        raise RatingNotFound()
    if rating.follow_up_status != "answered":
        raise FollowUpStateConflict("整改答复之后才能再次评价，且只能一次")
    rating.second_level, rating.second_comment, rating.follow_up_status = level, comment, "closed"
    return rating


async def follow_ups(session: AsyncSession, *, identity: Identity, status: str | None) -> list[Rating]:
    rows = await repository.with_follow_up(session, status=status)
    return [r for r in rows if _may_answer(identity, r) or r.rater_subject == identity.subject]


def _rates(ratings: Iterable[Rating], ticket_rows: Iterable[Ticket], now_ts: float) -> Rates:
    ratings, ticket_rows = list(ratings), list(ticket_rows)
    final = [r.second_level or r.level for r in ratings]
    bad = [r for r in ratings if r.level in BAD_LEVELS]
    followed = [r for r in bad if r.follow_up_status in ("answered", "closed")]
    # Due: replied tickets, and open ones whose deadline has passed without a reply.
    due = [t for t in ticket_rows if t.replied_at is not None or t.due_at.timestamp() < now_ts]
    on_time = [t for t in due if t.replied_on_time]
    return Rates(
        ratings=len(ratings),
        satisfaction_rate=round(sum(1 for f in final if f >= 4) / len(final), 4) if final else None,
        bad_ratings=len(bad),
        bad_rating_follow_up_rate=round(len(followed) / len(bad), 4) if bad else None,
        tickets_due=len(due),
        on_time_reply_rate=round(len(on_time) / len(due), 4) if due else None,
    )


async def stats(session: AsyncSession) -> Stats:
    ratings = list(await repository.all_ratings(session))
    ticket_rows = [t for t in await tickets.all_for_stats(session) if t.type != "praise"]
    now_ts = utcnow().timestamp()
    by_department: dict[str, tuple[list[Rating], list[Ticket]]] = defaultdict(lambda: ([], []))
    by_bundle: dict[str, tuple[list[Rating], list[Ticket]]] = defaultdict(lambda: ([], []))
    for rating in ratings:
        for department in rating.departments:
            by_department[department][0].append(rating)
        if rating.bundle_code:
            by_bundle[rating.bundle_code][0].append(rating)
    for ticket in ticket_rows:
        by_department[ticket.department][1].append(ticket)
        if ticket.bundle_code:
            by_bundle[ticket.bundle_code][1].append(ticket)

    def groups(table: dict[str, tuple[list[Rating], list[Ticket]]]) -> list[GroupRates]:
        return [GroupRates(key=key, **_rates(r, t, now_ts).model_dump()) for key, (r, t) in sorted(table.items())]

    return Stats(
        overall=_rates(ratings, ticket_rows, now_ts),
        by_department=groups(by_department),
        by_bundle=groups(by_bundle),
        deliveries=await repository.delivery_outcomes(session),
    )
