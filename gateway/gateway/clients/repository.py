"""SQL of API clients, their keys and the nonces already seen."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.clients.models import ApiClient, ApiKey, UsedNonce


async def find_key(session: AsyncSession, *, key_id: str) -> tuple[ApiKey, ApiClient] | None:
    row = (
        await session.execute(
            select(ApiKey, ApiClient).join(ApiClient, ApiClient.id == ApiKey.client_id).where(ApiKey.key_id == key_id)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def remember_nonce(session: AsyncSession, *, key_id: str, nonce: str, at: datetime) -> bool:
    """Record a nonce; False when this key used it before (a replay)."""
    try:
        async with session.begin_nested():
            session.add(UsedNonce(key_id=key_id, nonce=nonce, seen_at=at))
    except IntegrityError:
        return False
    return True


async def prune_nonces(session: AsyncSession, *, before: datetime) -> None:
    await session.execute(delete(UsedNonce).where(UsedNonce.seen_at < before))


async def get_client(session: AsyncSession, *, client_id: str) -> ApiClient | None:
    return await session.get(ApiClient, client_id)


async def list_clients(session: AsyncSession) -> Sequence[ApiClient]:
    return (await session.scalars(select(ApiClient).order_by(ApiClient.created_at))).all()


def add_client(session: AsyncSession, client: ApiClient) -> None:
    session.add(client)


def add_key(session: AsyncSession, key: ApiKey) -> None:
    session.add(key)


async def active_keys(session: AsyncSession, *, client_id: str) -> list[ApiKey]:
    query = (
        select(ApiKey)
        .where(ApiKey.client_id == client_id, ApiKey.revoked_at.is_(None))
        .order_by(ApiKey.created_at, ApiKey.key_id)
    )
    return list((await session.scalars(query)).all())


async def keys_of(session: AsyncSession, *, client_id: str) -> list[ApiKey]:
    query = select(ApiKey).where(ApiKey.client_id == client_id).order_by(ApiKey.created_at, ApiKey.key_id)
    return list((await session.scalars(query)).all())


async def revoke_keys(session: AsyncSession, *, client_id: str, at: datetime) -> None:
    await session.execute(
        update(ApiKey).where(ApiKey.client_id == client_id, ApiKey.revoked_at.is_(None)).values(revoked_at=at)
    )
