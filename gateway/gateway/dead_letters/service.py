"""Dead letters of every service in one list for the operator, and replay routed to the owner."""

import asyncio
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.state import GatewayState
from onevisit.auth import IDENTITY_HEADER, Identity, encode_internal_identity
from onevisit.consumer import DeadLetter
from onevisit.dead_letters import DeadLetterRead
from onevisit.errors import NotFound, OneVisitError
from onevisit.logging import request_id_var


class DeadLetterNotFound(NotFound):
    code = "dead_letter_not_found"
    title = "未找到该死信"


def _headers(gateway: GatewayState, identity: Identity) -> list[tuple[str, str]]:
    return [
        (IDENTITY_HEADER, encode_internal_identity(identity, gateway.settings.internal_secret)),
        ("x-request-id", request_id_var.get() or ""),
        ("accept", "application/json"),
    ]


async def _local(session: AsyncSession, *, include_replayed: bool, limit: int, service: str) -> list[DeadLetterRead]:
    query = select(DeadLetter).order_by(DeadLetter.created_at.desc()).limit(limit)
    if not include_replayed:
        query = query.where(DeadLetter.replayed_at.is_(None))
    rows = (await session.scalars(query)).all()
    return [DeadLetterRead.model_validate(row).model_copy(update={"service": service}) for row in rows]


async def merged(
    session: AsyncSession, *, gateway: GatewayState, identity: Identity, include_replayed: bool, limit: int
) -> tuple[list[DeadLetterRead], list[str]]:
    """Newest first across the gateway and every service; the services that did not answer are named."""
    query = f"/v1/admin/dead-letters?include_replayed={str(include_replayed).lower()}&limit={limit}"
    headers = _headers(gateway, identity)

    async def fetch(service: str) -> list[DeadLetterRead] | None:
        try:
            status, body = await gateway.upstream.get_json(service, query, headers=headers)
        except OneVisitError:
            return None
        if status != 200 or not isinstance(body, dict):
            return None
        return [
            DeadLetterRead.model_validate({**item, "service": item.get("service") or service})
            for item in body.get("items", [])
        ]

    services = list(gateway.upstream.services)
    answers = await asyncio.gather(*(fetch(service) for service in services))
    items = await _local(session, include_replayed=include_replayed, limit=limit, service=gateway.settings.service_name)
    unavailable = []
    for service, answer in zip(services, answers, strict=True):
        if answer is None:
            unavailable.append(service)
        else:
            items.extend(answer)
    items.sort(key=lambda item: item.created_at, reverse=True)
    return items[:limit], unavailable


async def replay(*, gateway: GatewayState, identity: Identity, dead_letter_id: str, service: str | None) -> Any:
    """Replay at the service that holds the dead letter: the one named, else the first that knows it."""
    candidates = [service] if service else list(gateway.upstream.services)
    for candidate in candidates:
        if candidate not in gateway.upstream.services:
            raise DeadLetterNotFound(f"没有名为 {candidate} 的服务")
        answer = await gateway.upstream.send(
            candidate,
            "POST",
            f"/v1/admin/dead-letters/{dead_letter_id}/replay",
            headers=_headers(gateway, identity),
            body=None,
        )
        try:
            body = answer.body if answer.body is not None else b""
        finally:
            answer.release()
        if answer.status != 404:
            return answer.status, body
    raise DeadLetterNotFound(f"死信 {dead_letter_id} 不存在")
