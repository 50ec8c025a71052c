"""The service app builder every OneVisit service uses: lifespan (database, bus, outbox relay,
consumers), request id and metrics middleware, problem+json errors, /healthz, /readyz, /metrics.
"""

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from onevisit.bus import Bus
from onevisit.consumer import Consumer, ConsumerRunner
from onevisit.db import create_engine, create_session_factory
from onevisit.errors import PROBLEM_RESPONSES, install_error_handlers, problem_response
from onevisit.logging import configure_logging, request_id_var
from onevisit.metrics import HTTP_LATENCY, HTTP_REQUESTS
from onevisit.openapi import keep_null_examples
from onevisit.outbox import OutboxRelay
from onevisit.settings import ServiceSettings

log = logging.getLogger("onevisit.service")


@dataclass
class Runtime:
    """What the lifespan opens and closes; reachable as `app.state.runtime`."""

    settings: ServiceSettings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    bus: Bus
    relay: OutboxRelay
    runners: list[ConsumerRunner] = field(default_factory=list)
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)

    def spawn(self, coro: Awaitable[Any], name: str) -> None:
        self.tasks.append(asyncio.create_task(coro, name=name))  # type: ignore[arg-type]


ConsumersFactory = Callable[[Runtime], Sequence[Consumer]]
Hook = Callable[[FastAPI, Runtime], Awaitable[None]]


async def connect_bus(settings: ServiceSettings, attempts: int = 20) -> Bus:
    """Connect to NATS, retrying a little: in `make run` the services may start before the server."""
    for attempt in range(1, attempts + 1):
        try:
            return await Bus.connect(settings.nats_url, namespace=settings.bus_namespace, name=settings.service_name)
        except Exception as exc:
            if attempt == attempts:
                raise RuntimeError(f"cannot reach NATS at {settings.nats_url}: {exc}") from exc
            await asyncio.sleep(0.5)
    raise AssertionError("unreachable")


def build_lifespan(consumers: ConsumersFactory | None, on_startup: Sequence[Hook], on_shutdown: Sequence[Hook]):
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings: ServiceSettings = app.state.settings
        engine = create_engine(settings.database_url, schema=settings.database_schema)
        session_factory = create_session_factory(engine)
        bus = await connect_bus(settings)
        await bus.ensure_streams()
        relay = OutboxRelay(session_factory, bus, poll_seconds=settings.outbox_poll_seconds)
        runtime = Runtime(settings, engine, session_factory, bus, relay)
        app.state.runtime = runtime
        runtime.spawn(relay.run(), "outbox-relay")
        for consumer in consumers(runtime) if consumers else ():
            consumer.after_commit = relay.wake
            runner = ConsumerRunner(bus, session_factory, consumer)
            runtime.runners.append(runner)
            runtime.spawn(runner.run(), f"consumer-{consumer.name}")
        for hook in on_startup:
            await hook(app, runtime)
        log.info("%s started on %s:%s", settings.service_name, settings.host, settings.port)
        try:
            yield
        finally:
            for hook in on_shutdown:
                await hook(app, runtime)
            relay.stop()
            for runner in runtime.runners:
                runner.stop()
            for task in runtime.tasks:
                task.cancel()
            await asyncio.gather(*runtime.tasks, return_exceptions=True)
            await bus.close()
            await engine.dispose()

    return lifespan


class RequestContextMiddleware:
    """Pure ASGI: sets the request id (from X-Request-ID or new), echoes it, records metrics."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        request_id = headers.get(b"x-request-id", b"").decode() or uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = scope.get("route")
            route_path = getattr(route, "path", "unmatched")
            HTTP_REQUESTS.labels(scope["method"], route_path, str(status)).inc()
            HTTP_LATENCY.labels(scope["method"], route_path).observe(time.perf_counter() - started)
            request_id_var.reset(token)


def operations_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        """Alive: the process is up and serving."""
        return {"status": "ok"}

    @router.get("/readyz", summary="Readiness: database and NATS reachable", responses={503: PROBLEM_RESPONSES["4XX"]})
    async def readyz(request: Request) -> Response:
        """Ready: the database answers a query and the NATS connection is up."""
        runtime: Runtime = request.app.state.runtime
        checks = {"database": "ok", "nats": "ok" if runtime.bus.is_connected else "down"}
        try:
            async with runtime.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:
            checks["database"] = f"down: {exc.__class__.__name__}"
        if all(value == "ok" for value in checks.values()):
            return JSONResponse({"status": "ready", "checks": checks})
        body = {"type": "about:blank", "title": "服务未就绪", "status": 503, "code": "not_ready", "checks": checks}
        return problem_response(body, 503)

    @router.get("/metrics", summary="Prometheus metrics", response_class=Response)
    async def metrics() -> Response:
        """Prometheus text exposition of this process's metrics."""
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    consumers: ConsumersFactory | None = None,
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
    version: str = "0.1.0",
) -> FastAPI:
    """Build a service app; the caller passes its settings, routers and consumers."""
    configure_logging(settings.service_name, level=settings.log_level, json_lines=settings.log_json)
    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=build_lifespan(consumers, on_startup, on_shutdown),
        responses=PROBLEM_RESPONSES,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware)
    app.include_router(operations_router())
    from onevisit.dead_letters import router as dead_letters_router  # imports this module's SessionDep

    app.include_router(dead_letters_router)
    for router in routers:
        app.include_router(router)
    keep_null_examples(app)
    return app


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's unit of work: commit when the endpoint returns, roll back on error, then wake
    the outbox relay so events written in this transaction leave at once."""
    runtime: Runtime = request.app.state.runtime
    async with runtime.session_factory() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
    runtime.relay.wake()


# scope="function": commit before the response is sent, so a 2xx means the data is stored.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
