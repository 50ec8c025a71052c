"""Who is calling: a bearer token (people), an HMAC-signed request (systems), or nobody."""

from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from gateway.auth import repository as token_repository
from gateway.auth.tokens import AccessClaims, InvalidToken, verify_access_token
from gateway.clients import service as clients_service
from gateway.clients.signatures import SCHEME, parse_authorization
from gateway.settings import Settings
from onevisit.auth import Identity
from onevisit.db import session_scope
from onevisit.errors import Forbidden, Unauthorized

# One short transaction of the gateway's own (token revocation check, nonce record).
transaction = asynccontextmanager(session_scope)


class TokenRevoked(InvalidToken):
    code = "token_revoked"
    title = "登录已注销，请重新登录"


class UnsupportedCredentials(Unauthorized):
    code = "unsupported_credentials"
    title = "不支持的认证方式"


@dataclass(frozen=True)
class Caller:
    identity: Identity | None
    # Set for token holders, so logout can revoke exactly this token.
    token: AccessClaims | None = None

    @property
    def rate_key(self) -> str | None:
        if self.identity is None:
            return None
        return f"client:{self.identity.client_id}" if self.identity.client_id else f"user:{self.identity.subject}"


ANONYMOUS = Caller(identity=None)


async def authenticate(request: Request, *, body: bytes | None) -> Caller:
    """Authenticate from the Authorization header. `body` is needed only for signed requests;
    the caller reads it (bounded) before asking."""
    header = request.headers.get("authorization")
    if not header:
        return ANONYMOUS
    settings: Settings = request.app.state.settings
    session_factory = request.app.state.runtime.session_factory
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        claims = verify_access_token(value.strip(), secret=settings.token_secret)
        async with transaction(session_factory) as session:
            if await token_repository.is_access_token_revoked(session, jti=claims.jti):
                raise TokenRevoked("该登录凭证已注销")
        return Caller(identity=claims.identity, token=claims)
    if scheme == SCHEME:
        credentials = parse_authorization(header)
        # Its own transaction, committed before forwarding: a replay racing this request finds the nonce.
        async with transaction(session_factory) as session:
            identity = await clients_service.verify_signed_request(
                session,
                settings=settings,
                credentials=credentials,
                method=request.method,
                path_with_query=path_with_query(request),
                body=body or b"",
            )
        return Caller(identity=identity)
    raise UnsupportedCredentials("请使用 Bearer 登录凭证或 OneVisit-HMAC 签名")


def path_with_query(request: Request) -> str:
    """The target as the client sent it (raw path and query), which is what it signed."""
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string", b"")
    return (raw_path + (b"?" + query if query else b"")).decode("latin-1")


def needs_body(request: Request) -> bool:
    return request.headers.get("authorization", "").startswith(SCHEME)


async def current_caller(request: Request) -> Caller:
    """The caller of a gateway endpoint; remembered on the request for the audit log."""
    body = await request.body() if needs_body(request) else None
    caller = await authenticate(request, body=body)
    request.state.caller = caller
    return caller


CallerDep = Annotated[Caller, Depends(current_caller)]


def require_ops(caller: CallerDep) -> Caller:
    if caller.identity is None:
        raise Unauthorized("请先登录")
    if caller.identity.role != "ops" or caller.identity.client_id:
        raise Forbidden("该操作仅限运维人员")
    return caller


OpsCaller = Annotated[Caller, Depends(require_ops)]
