"""App factory: `uvicorn gateway.main:create_app --factory`."""

import asyncio
import logging

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from gateway.apidocs.router import router as apidocs_router
from gateway.audit.middleware import AuditMiddleware
from gateway.audit.router import router as audit_router
from gateway.auth import repository as token_repository
from gateway.auth.providers import DevIdentityProvider, HttpIdentityProvider, IdentityProvider, IdentityProviders
from gateway.auth.router import router as auth_router
from gateway.clients import service as clients_service
from gateway.clients.router import router as clients_router
from gateway.dead_letters.router import router as dead_letters_router
from gateway.limits import RateLimited, RateLimiter
from gateway.proxy.router import ROUTES as PROXY_ROUTES
from gateway.security import transaction
from gateway.settings import Settings
from gateway.state import GatewayState
from gateway.upstream import Upstream
from onevisit.db import utcnow
from onevisit.dead_letters import router as shared_dead_letters_router
from onevisit.errors import problem_response
from onevisit.service import Runtime, create_service_app

log = logging.getLogger("gateway")
MAINTENANCE_EVERY_SECONDS = 60.0


def _providers(settings: Settings, identity_transport: httpx.AsyncBaseTransport | None) -> IdentityProviders:
    providers: list[IdentityProvider] = []
    # The dev provider trusts whatever identity it is told: it must never exist in production.
    if settings.is_development:
        providers.append(DevIdentityProvider())
    if settings.identity_provider_url:
        providers.append(
            HttpIdentityProvider(
                settings.identity_provider_name,
                settings.identity_provider_url,
                timeout=settings.identity_provider_timeout_seconds,
                transport=identity_transport,
            )
        )
    return IdentityProviders(providers)


async def _maintenance(runtime: Runtime, settings: Settings) -> None:
    """Prune spent nonces and expired tokens, so the tables stay as small as the tolerance window."""
    while True:
        await asyncio.sleep(MAINTENANCE_EVERY_SECONDS)
        try:
            async with transaction(runtime.session_factory) as session:
                await clients_service.prune_nonces(session, settings=settings)
                await token_repository.prune_expired(session, now=utcnow())
        except Exception:
            log.exception("gateway maintenance failed; will retry")


def _replace_service_routes(app: FastAPI) -> None:
    """Drop two routes every service app has that the gateway answers differently: FastAPI's
    /openapi.json (the gateway serves the merged document) and the local dead-letter list (the
    gateway merges every service's). Done before the first request, when nothing is cached."""
    kept = []
    for route in app.router.routes:
        if getattr(route, "path", None) == "/openapi.json" and route not in apidocs_router.routes:
            continue
        if getattr(route, "original_router", None) is shared_dead_letters_router:
            continue
        kept.append(route)
    app.router.routes[:] = kept


def create_app(
    settings: Settings | None = None, *, identity_transport: httpx.AsyncBaseTransport | None = None
) -> FastAPI:
    """The gateway. `identity_transport` lets tests stand in for the external identity service."""
    settings = settings or Settings()

    async def start(app: FastAPI, runtime: Runtime) -> None:
        upstream = Upstream(
            settings.service_urls(),
            connect_timeout=settings.upstream_connect_timeout_seconds,
            read_timeout=settings.upstream_read_timeout_seconds,
            read_retries=settings.upstream_read_retries,
            max_connections=settings.upstream_max_connections,
        )
        await upstream.start()
        limiter = RateLimiter(
            ip_rate=settings.rate_limit_ip_per_second,
            ip_burst=settings.rate_limit_ip_burst,
            client_rate=settings.rate_limit_client_per_second,
            client_burst=settings.rate_limit_client_burst,
        )
        app.state.gateway = GatewayState(settings, upstream, _providers(settings, identity_transport), limiter)
        runtime.spawn(_maintenance(runtime, settings), "gateway-maintenance")

    async def stop(app: FastAPI, runtime: Runtime) -> None:
        await app.state.gateway.upstream.close()
        await app.state.gateway.providers.close()

    app = create_service_app(
        settings,
        title="OneVisit gateway",
        description="一窗受理: the one entry for the mini-program, window clerks, departments and government systems",
        routers=[auth_router, clients_router, audit_router, dead_letters_router, apidocs_router],
        on_startup=[start],
        on_shutdown=[stop],
    )
    _replace_service_routes(app)
    for route in PROXY_ROUTES:
        app.router.add_route(route.path, route.endpoint, methods=sorted(route.methods or ()), include_in_schema=False)

    @app.exception_handler(RateLimited)
    async def _rate_limited(request: Request, exc: RateLimited) -> JSONResponse:
        retry_after = str(exc.extra.get("retry_after", 1))
        return problem_response(exc.to_problem(request.url.path), exc.status, headers={"Retry-After": retry_after})

    # Appended, so innermost of the user middleware: inside the request-id middleware, outside
    # the error handlers.
    app.user_middleware.append(Middleware(AuditMiddleware))
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID", "traceparent"],
        expose_headers=["X-Request-ID", "Retry-After", "Location"],
        max_age=600,
    )
    return app
