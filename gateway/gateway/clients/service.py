"""API clients: verifying their signed requests, and the operator's create / rotate / revoke."""

import secrets
import time
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.clients import repository
from gateway.clients.models import ApiClient, ApiKey
from gateway.clients.schemas import ClientCreate, ClientRead, IssuedKey, KeyRead
from gateway.clients.signatures import (
    NonceReplayed,
    SignatureInvalid,
    SignatureStale,
    derive_secret,
    signature_matches,
)
from gateway.settings import Settings
from onevisit.auth import Identity
from onevisit.db import utcnow
from onevisit.errors import Conflict, NotFound
from onevisit.signing import SignedRequest

# A client may hold two active keys: the current one and the next, so a rotation never breaks calls.
MAX_ACTIVE_KEYS = 2
DEV_DEPARTMENT_KEY_PREFIX = "dev-dept-"
DEV_SALT = "dev"
DEPARTMENT_SCOPES = ["dept:read", "dept:write", "tickets:read", "tickets:write"]


class ClientNotFound(NotFound):
    code = "api_client_not_found"
    title = "未找到该接入系统"


class ClientExists(Conflict):
    code = "api_client_exists"
    title = "该接入系统已存在"


class KeyNotFound(NotFound):
    code = "api_key_not_found"
    title = "未找到该密钥"


def _identity(client: ApiClient) -> Identity:
    return Identity(
        subject=client.id,
        role=client.role,
        name=client.name,
        department=client.department,  # type: ignore[arg-type]
        client_id=client.id,
        scopes=list(client.scopes),
    )


def dev_department_secret(settings: Settings, key_id: str) -> str:
    """Development only: `dev-dept-<code>` keys need no registration; their secret derives from
    the internal secret every embedded process shares (the department simulator signs with it)."""
    return derive_secret(settings.internal_secret, key_id, DEV_SALT)


async def verify_signed_request(
    session: AsyncSession,
    *,
    settings: Settings,
    credentials: SignedRequest,
    method: str,
    path_with_query: str,
    body: bytes,
) -> Identity:
    """Who signed this request; refuses stale timestamps, unknown or revoked keys, bad signatures
    and nonces seen before (in that order, so a forged request never burns a nonce)."""
    if abs(time.time() - credentials.ts) > settings.signature_tolerance_seconds:
        raise SignatureStale(f"时间戳与服务器时间相差超过 {settings.signature_tolerance_seconds} 秒")
    found = await repository.find_key(session, key_id=credentials.key_id)
    if found is not None:
        key, client = found
        if key.revoked_at is not None or client.revoked_at is not None:
            raise SignatureInvalid("密钥已吊销")
        secret = derive_secret(settings.key_secret, key.key_id, key.salt)
        identity = _identity(client)
    elif settings.is_development and credentials.key_id.startswith(DEV_DEPARTMENT_KEY_PREFIX):
        department = credentials.key_id.removeprefix(DEV_DEPARTMENT_KEY_PREFIX)
        secret = dev_department_secret(settings, credentials.key_id)
        identity = Identity(
            subject=credentials.key_id,
            role="department",
            department=department,
            client_id=credentials.key_id,
            scopes=DEPARTMENT_SCOPES,
        )
    else:
        raise SignatureInvalid("未知的密钥")
    if not signature_matches(secret, credentials, method, path_with_query, body):
        raise SignatureInvalid("签名与请求内容不符")
    if not await repository.remember_nonce(session, key_id=credentials.key_id, nonce=credentials.nonce, at=utcnow()):
        raise NonceReplayed("该 nonce 已使用过，请为每个请求生成新的随机数")
    return identity


async def prune_nonces(session: AsyncSession, *, settings: Settings) -> None:
    # A nonce older than twice the tolerance can only come with a timestamp that is refused anyway.
    await repository.prune_nonces(
        session, before=utcnow() - timedelta(seconds=2 * settings.signature_tolerance_seconds)
    )


def _new_key(client_id: str) -> ApiKey:
    return ApiKey(key_id=f"k_{secrets.token_hex(8)}", client_id=client_id, salt=secrets.token_hex(16))


def _issued(settings: Settings, key: ApiKey) -> IssuedKey:
    return IssuedKey(
        key_id=key.key_id, secret=derive_secret(settings.key_secret, key.key_id, key.salt), created_at=key.created_at
    )


async def _read(session: AsyncSession, client: ApiClient) -> ClientRead:
    keys = await repository.keys_of(session, client_id=client.id)
    return ClientRead(
        id=client.id,
        name=client.name,
        role=client.role,
        department=client.department,  # type: ignore[arg-type]
        scopes=list(client.scopes),
        created_at=client.created_at,
        revoked_at=client.revoked_at,
        keys=[KeyRead(key_id=k.key_id, created_at=k.created_at, revoked_at=k.revoked_at) for k in keys],
    )


async def create_client(
    session: AsyncSession, *, settings: Settings, data: ClientCreate
) -> tuple[ClientRead, IssuedKey]:
    if await repository.get_client(session, client_id=data.id) is not None:
        raise ClientExists(f"接入系统 {data.id} 已存在")
    client = ApiClient(
        id=data.id, name=data.name, role=data.role, department=data.department, scopes=data.scopes, created_at=utcnow()
    )
    repository.add_client(session, client)
    key = _new_key(client.id)
    key.created_at = utcnow()
    repository.add_key(session, key)
    await session.flush()
    return await _read(session, client), _issued(settings, key)


async def _active_client(session: AsyncSession, client_id: str) -> ApiClient:
    client = await repository.get_client(session, client_id=client_id)
    if client is None:
        raise ClientNotFound(f"接入系统 {client_id} 不存在")
    return client


async def list_clients(session: AsyncSession) -> list[ClientRead]:
    return [await _read(session, client) for client in await repository.list_clients(session)]


async def get_client(session: AsyncSession, *, client_id: str) -> ClientRead:
    return await _read(session, await _active_client(session, client_id))


async def rotate_key(session: AsyncSession, *, settings: Settings, client_id: str) -> tuple[ClientRead, IssuedKey]:
    """Issue a new key; the previous one stays valid until revoked, the oldest of three is revoked."""
    client = await _active_client(session, client_id)
    if client.revoked_at is not None:
        raise Conflict(f"接入系统 {client_id} 已吊销，不能再签发密钥")
    active = await repository.active_keys(session, client_id=client_id)
    now = utcnow()
    for old in active[: max(0, len(active) - MAX_ACTIVE_KEYS + 1)]:
        old.revoked_at = now
    key = _new_key(client.id)
    key.created_at = now
    repository.add_key(session, key)
    await session.flush()
    return await _read(session, client), _issued(settings, key)


async def revoke_key(session: AsyncSession, *, client_id: str, key_id: str) -> ClientRead:
    client = await _active_client(session, client_id)
    key = next((k for k in await repository.keys_of(session, client_id=client_id) if k.key_id == key_id), None)
    if key is None:
        raise KeyNotFound(f"接入系统 {client_id} 没有密钥 {key_id}")
    key.revoked_at = key.revoked_at or utcnow()
    await session.flush()
    return await _read(session, client)


async def revoke_client(session: AsyncSession, *, client_id: str) -> ClientRead:
    client = await _active_client(session, client_id)
    now = utcnow()
    client.revoked_at = client.revoked_at or now
    await repository.revoke_keys(session, client_id=client_id, at=now)
    await session.flush()
    return await _read(session, client)
