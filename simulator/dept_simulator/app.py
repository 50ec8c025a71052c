"""The simulator's HTTP side: webhook endpoints for webhook departments, stats, health."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response

from dept_simulator.core import Simulator
from dept_simulator.settings import SimulatorSettings


def create_app(
    settings: SimulatorSettings | None = None, *, http_transport: httpx.AsyncBaseTransport | None = None
) -> FastAPI:
    """The simulator as an ASGI app; its lifespan runs the NATS departments and registers the webhooks."""
    settings = settings or SimulatorSettings()
    simulator = Simulator(settings, http_transport=http_transport)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await simulator.connect()
        consumer = asyncio.create_task(simulator.run_nats(), name="simulator-tasks")
        registering = asyncio.create_task(_register_when_reachable(simulator), name="simulator-webhooks")
        try:
            yield
        finally:
            for task in (consumer, registering):
                task.cancel()
            await asyncio.gather(consumer, registering, return_exceptions=True)
            await simulator.close()

    app = FastAPI(title="OneVisit department simulator", lifespan=lifespan)
    app.state.simulator = simulator

    @app.post("/webhooks/{department}", status_code=202, summary="Receive a task by webhook")
    async def webhook(department: str, request: Request) -> Response:
        """A webhook department's inbox: checks the signature, answers 202, decides in the background."""
        status = simulator.accept_webhook(department, await request.body(), dict(request.headers))
        return Response(status_code=status)

    @app.get("/stats", summary="What the simulated departments saw and answered")
    async def stats() -> dict[str, Any]:
        """Tasks seen, redeliveries de-duplicated, results sent per department."""
        return simulator.stats()

    @app.get("/healthz", summary="Liveness")
    async def healthz() -> dict[str, str]:
        """Alive."""
        return {"status": "ok"}

    return app


async def _register_when_reachable(simulator: Simulator) -> None:
    """Dispatch (through the gateway) may start after the simulator: keep trying."""
    while True:
        try:
            await simulator.register_webhooks()
            return
        except Exception:
            await asyncio.sleep(1)
