"""Login, refresh (rotating, with reuse detection) and logout."""

import hashlib
import secrets
import uuid
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth import repository
from gateway.auth.providers import IdentityProviders
from gateway.auth.schemas import LoginRequest, TokenResponse
from gateway.auth.tokens import AccessClaims, InvalidToken, issue_access_token
from gateway.settings import Settings
from onevisit.auth import Identity
from onevisit.db import utcnow


class RefreshTokenInvalid(InvalidToken):
    code = "refresh_token_invalid"
    title = "刷新凭证无效，请重新登录"


class RefreshTokenReused(RefreshTokenInvalid):
    """A spent refresh token came back: it leaked. The router revokes the login, then answers."""

    def __init__(self, family_id: uuid.UUID):
        super().__init__("刷新凭证已被使用过，为安全起见本次登录已全部注销")
        self.family_id = family_id


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue(session: AsyncSession, *, settings: Settings, identity: Identity, family_id: uuid.UUID) -> TokenResponse:
    access_token, _ = issue_access_token(
        identity, secret=settings.token_secret, ttl_seconds=settings.access_token_ttl_seconds
    )
    refresh_token = "rt_" + secrets.token_urlsafe(32)
    repository.add_refresh_token(
        session,
        token_hash=_hash(refresh_token),
        family_id=family_id,
        identity=identity.model_dump(mode="json", exclude_none=True),
        expires_at=utcnow() + timedelta(seconds=settings.refresh_token_ttl_seconds),
    )
    return TokenResponse(
        access_token=access_token,
        expires_in=settings.access_token_ttl_seconds,
        refresh_token=refresh_token,
        refresh_expires_in=settings.refresh_token_ttl_seconds,
        role=identity.role,
    )


async def login(
    session: AsyncSession, *, settings: Settings, providers: IdentityProviders, request: LoginRequest
) -> tuple[Identity, TokenResponse]:
    identity = await providers.get(request.provider).authenticate(request)
    return identity, _issue(session, settings=settings, identity=identity, family_id=uuid.uuid4())


async def refresh(session: AsyncSession, *, settings: Settings, refresh_token: str) -> tuple[Identity, TokenResponse]:
    """Exchange a refresh token once; a second use means it leaked, so the whole login is revoked."""
    now = utcnow()
    stored = await repository.find_refresh_token(session, token_hash=_hash(refresh_token))
    if stored is None or stored.revoked_at is not None or stored.expires_at <= now:
        raise RefreshTokenInvalid("刷新凭证无效、已过期或已注销")
    if stored.used_at is not None:
        raise RefreshTokenReused(stored.family_id)
    stored.used_at = now
    identity = Identity.model_validate(stored.identity)
    return identity, _issue(session, settings=settings, identity=identity, family_id=stored.family_id)


async def revoke_login(session: AsyncSession, *, family_id: uuid.UUID) -> None:
    await repository.revoke_family(session, family_id=family_id, at=utcnow())


async def logout(session: AsyncSession, *, claims: AccessClaims, refresh_token: str | None) -> None:
    """Revoke the access token now (not only at expiry) and the login's refresh tokens."""
    await repository.revoke_access_token(session, jti=claims.jti, expires_at=claims.expires_at)
    if refresh_token:
        stored = await repository.find_refresh_token(session, token_hash=_hash(refresh_token))
        # Only the caller's own login: a refresh token of someone else is silently ignored.
        if stored is not None and stored.identity.get("subject") == claims.identity.subject:
            await repository.revoke_family(session, family_id=stored.family_id, at=utcnow())
