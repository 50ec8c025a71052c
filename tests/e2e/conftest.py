"""The whole stack as real processes: nats-server (or the CI's), the five services as uvicorn
processes, the department simulator; on free ports, with data in a temporary folder."""

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from onevisit.devstack import Stack, StackSettings
from tests.support.infra import EXTERNAL_DATABASE_URL, EXTERNAL_NATS_URL, drop_namespace, free_port


def stack_settings(var_dir: Path) -> StackSettings:
    run_id = uuid.uuid4().hex[:8]
    return StackSettings(
        var_dir=var_dir,
        nats_port=free_port(),
        nats_url=EXTERNAL_NATS_URL,
        database_url=EXTERNAL_DATABASE_URL,
        schema_prefix=f"e2e{run_id}_",
        bus_namespace=f"e2e{run_id}",
        environment="development",
        gateway_port=free_port(),
        catalog_port=free_port(),
        intake_port=free_port(),
        dispatch_port=free_port(),
        notify_port=free_port(),
        simulator_port=free_port(),
        startup_timeout_seconds=90,
    )


async def _drop_schemas(url: str, prefix: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    async with engine.begin() as connection:
        rows = await connection.execute(
            text("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE :p"), {"p": prefix + "%"}
        )
        for (schema,) in rows.all():
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    await engine.dispose()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    settings = stack_settings(tmp_path_factory.mktemp("stack"))
    # The load here is many applicants' worth from one test client: the limiter has its own tests.
    generous_limits = {
        "GATEWAY_RATE_LIMIT_IP_PER_SECOND": "10000",
        "GATEWAY_RATE_LIMIT_IP_BURST": "10000",
        "GATEWAY_RATE_LIMIT_CLIENT_PER_SECOND": "10000",
        "GATEWAY_RATE_LIMIT_CLIENT_BURST": "10000",
    }
    running = Stack(settings, extra_env=generous_limits).start()
    try:
        yield running
    finally:
        running.stop()
        if EXTERNAL_NATS_URL:
            asyncio.run(drop_namespace(EXTERNAL_NATS_URL, settings.bus_namespace))
        if EXTERNAL_DATABASE_URL:
            asyncio.run(_drop_schemas(EXTERNAL_DATABASE_URL, settings.schema_prefix))


@pytest.fixture
def gateway(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.gateway_url, timeout=30) as client:
        yield client
