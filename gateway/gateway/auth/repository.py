"""SQL of refresh tokens and revoked access tokens."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.models import RefreshToken, RevokedAccessToken


def add_refresh_token(
    session: AsyncSession, *, token_hash: str, family_id: uuid.UUID, identity: dict[str, Any], expires_at: datetime
) -> None:
    session.add(RefreshToken(token_hash=token_hash, family_id=family_id, identity=identity, expires_at=expires_at))


async def find_refresh_token(session: AsyncSession, *, token_hash: str) -> RefreshToken | None:
    return await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == token_hash))


async def revoke_family(session: AsyncSession, *, family_id: uuid.UUID, at: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=at)
    )


async def revoke_access_token(session: AsyncSession, *, jti: str, expires_at: datetime) -> None:
    if await session.get(RevokedAccessToken, jti) is None:
        session.add(RevokedAccessToken(jti=jti, expires_at=expires_at))


async def is_access_token_revoked(session: AsyncSession, *, jti: str) -> bool:
    return bool(await session.scalar(select(exists().where(RevokedAccessToken.jti == jti))))


async def prune_expired(session: AsyncSession, *, now: datetime) -> None:
    await session.execute(delete(RevokedAccessToken).where(RevokedAccessToken.expires_at < now))
    await session.execute(delete(RefreshToken).where(RefreshToken.expires_at < now))
