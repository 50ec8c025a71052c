"""Operator API of API clients: create, list, rotate keys, revoke a key or the whole client."""

from fastapi import APIRouter, status

from gateway.clients import service
from gateway.clients.schemas import ClientCreate, ClientRead, ClientWithKey
from gateway.security import OpsCaller
from gateway.state import GatewayDep
from onevisit.service import SessionDep

router = APIRouter(prefix="/v1/admin/clients", tags=["api clients"])


@router.post("", response_model=ClientWithKey, status_code=status.HTTP_201_CREATED, summary="Register a client")
async def create_client(body: ClientCreate, session: SessionDep, gateway: GatewayDep, _ops: OpsCaller) -> ClientWithKey:
    """Register a department or government system; its first key's secret is in this answer only."""
    client, key = await service.create_client(session, settings=gateway.settings, data=body)
    return ClientWithKey(client=client, key=key)


@router.get("", response_model=list[ClientRead], summary="List clients")
async def list_clients(session: SessionDep, _ops: OpsCaller) -> list[ClientRead]:
    """Every registered client with its keys (never their secrets)."""
    return await service.list_clients(session)


@router.get("/{client_id}", response_model=ClientRead, summary="Read a client")
async def get_client(client_id: str, session: SessionDep, _ops: OpsCaller) -> ClientRead:
    """One client with its keys."""
    return await service.get_client(session, client_id=client_id)


@router.post(
    "/{client_id}/keys",
    response_model=ClientWithKey,
    status_code=status.HTTP_201_CREATED,
    summary="Rotate: issue a new key",
)
async def rotate_key(client_id: str, session: SessionDep, gateway: GatewayDep, _ops: OpsCaller) -> ClientWithKey:
    """Issue a new key; the previous key stays valid (two at most) until it is revoked."""
    client, key = await service.rotate_key(session, settings=gateway.settings, client_id=client_id)
    return ClientWithKey(client=client, key=key)


@router.delete("/{client_id}/keys/{key_id}", response_model=ClientRead, summary="Revoke one key")
async def revoke_key(client_id: str, key_id: str, session: SessionDep, _ops: OpsCaller) -> ClientRead:
    """Revoke one key at once (after a rotation, or when it leaked)."""
    return await service.revoke_key(session, client_id=client_id, key_id=key_id)


@router.delete("/{client_id}", response_model=ClientRead, summary="Revoke a client")
async def revoke_client(client_id: str, session: SessionDep, _ops: OpsCaller) -> ClientRead:
    """Revoke the client and every key it holds; the record stays for the audit log."""
    return await service.revoke_client(session, client_id=client_id)
