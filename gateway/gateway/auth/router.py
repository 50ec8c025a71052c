"""Login, refresh, logout and who-am-I."""

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse

from gateway.auth import service
from gateway.auth.schemas import IDENTITY_EXAMPLE, LoginRequest, LogoutRequest, RefreshRequest, TokenResponse
from gateway.security import Caller, CallerDep
from gateway.state import GatewayDep
from onevisit.auth import Identity
from onevisit.errors import Unauthorized, problem_response
from onevisit.service import SessionDep

router = APIRouter(prefix="/v1/auth", tags=["identity"])


@router.post("/login", response_model=TokenResponse, summary="Exchange a login for a short-lived token")
async def login(body: LoginRequest, request: Request, session: SessionDep, gateway: GatewayDep) -> TokenResponse:
    """Log in with an identity provider (`dev` in development) and get an access and a refresh token."""
    gateway.limiter.check_ip(request.client.host if request.client else "unknown")
    identity, tokens = await service.login(
        session, settings=gateway.settings, providers=gateway.providers, request=body
    )
    request.state.caller = Caller(identity=identity)
    return tokens


@router.post("/refresh", response_model=TokenResponse, summary="Exchange a refresh token for new tokens")
async def refresh(
    body: RefreshRequest, request: Request, session: SessionDep, gateway: GatewayDep
) -> TokenResponse | JSONResponse:
    """Rotate: the refresh token is spent; presenting it again revokes the whole login."""
    gateway.limiter.check_ip(request.client.host if request.client else "unknown")
    try:
        identity, tokens = await service.refresh(session, settings=gateway.settings, refresh_token=body.refresh_token)
    except service.RefreshTokenReused as reused:
        # Answered, not raised: the revocation must commit, and an error would roll it back.
        await service.revoke_login(session, family_id=reused.family_id)
        return problem_response(reused.to_problem(request.url.path), reused.status)
    request.state.caller = Caller(identity=identity)
    return tokens


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke the current login")
async def logout(caller: CallerDep, session: SessionDep, body: LogoutRequest | None = None) -> None:
    """Revoke this access token at once and, when given, the login's refresh tokens."""
    if caller.token is None:
        raise Unauthorized("请携带要注销的登录凭证")
    await service.logout(session, claims=caller.token, refresh_token=body.refresh_token if body else None)


@router.get(
    "/me",
    response_model=Identity,
    summary="Who the gateway takes the caller for",
    responses={200: {"content": {"application/json": {"example": IDENTITY_EXAMPLE}}}},
)
async def me(caller: CallerDep) -> Identity:
    """The identity the gateway forwards to the services for this caller."""
    if caller.identity is None:
        raise Unauthorized("请先登录")
    return caller.identity
