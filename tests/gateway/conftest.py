"""Gateway fixtures: real upstream processes (catalog-svc, and a reflecting echo server) and a
gateway app on a migrated database, talking to them over real HTTP."""

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.main import create_app
from gateway.settings import Settings
from onevisit.migrations import upgrade_database
from tests.support.infra import TestDatabase, drop_namespace, free_port, migrate, running_app, unique_namespace

ROOT = Path(__file__).resolve().parents[2]


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{url} not healthy after {timeout}s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="session")
def echo_url() -> Iterator[str]:
    """Base URL of the reflecting upstream (tests/gateway/echo_upstream.py) as a uvicorn process."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "tests.gateway.echo_upstream:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    _wait_healthy(f"{base}/probe/ready", process)
    yield base
    _stop(process)


@dataclass
class CatalogProcess:
    url: str
    database: TestDatabase


@pytest.fixture(scope="session")
def catalog(nats_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CatalogProcess]:
    """catalog-svc as a real uvicorn process, on its own migrated database and bus namespace."""
    database = TestDatabase(tmp_path_factory.mktemp("catalog"), "catalog")
    upgrade_database("catalog_svc", database.url, database.schema)
    port = free_port()
    namespace = unique_namespace()
    env = {
        **os.environ,
        "CATALOG_PORT": str(port),
        "CATALOG_DATABASE_URL": database.url,
        "CATALOG_NATS_URL": nats_url,
        "CATALOG_BUS_NAMESPACE": namespace,
        "CATALOG_ENVIRONMENT": "test",
        "CATALOG_LOG_LEVEL": "WARNING",
        "CATALOG_VAR_DIR": str(tmp_path_factory.mktemp("catalog-var")),
    }
    if database.schema:
        env["CATALOG_DATABASE_SCHEMA"] = database.schema
    process = subprocess.Popen([sys.executable, "-m", "catalog_svc", "serve"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    _wait_healthy(f"{base}/healthz", process)
    yield CatalogProcess(base, database)
    _stop(process)
    asyncio.run(database.drop())
    asyncio.run(drop_namespace(nats_url, namespace))


@pytest.fixture
def catalog_url(catalog: CatalogProcess) -> str:
    return catalog.url


@pytest.fixture
def stopped_url() -> str:
    """A port nothing listens on: a service that is down."""
    return f"http://127.0.0.1:{free_port()}"


GatewayFactory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
async def make_gateway(
    make_database: Callable[[str], TestDatabase], nats_url: str, bus_namespace: str, echo_url: str
) -> AsyncIterator[GatewayFactory]:
    """Factory of running gateways (migrated database, real NATS); every service defaults to the
    echo upstream under its own name; keyword arguments override settings."""
    database = make_database("gateway")
    await migrate("gateway", database)

    @asynccontextmanager
    async def start(
        *, identity_transport: httpx.AsyncBaseTransport | None = None, **overrides: Any
    ) -> AsyncIterator[httpx.AsyncClient]:
        values: dict[str, Any] = {
            "database_url": database.url,
            "database_schema": database.schema,
            "nats_url": nats_url,
            "bus_namespace": bus_namespace,
            "environment": "test",
            "log_json": False,
            **{f"{name}_url": f"{echo_url}/{name}" for name in ("catalog", "intake", "dispatch", "notify")},
            **overrides,
        }
        app = create_app(Settings(**values), identity_transport=identity_transport)
        async with running_app(app, base_url="http://gateway") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client

    yield start


@pytest.fixture
async def gateway(make_gateway: GatewayFactory) -> AsyncIterator[httpx.AsyncClient]:
    async with make_gateway() as client:
        yield client


CITIZEN = {
    "provider": "dev",
    "subject": "11010519491231002X",
    "name": "张三",
    "phone": "13800138000",
    "role": "citizen",
}
OTHER_CITIZEN = {"provider": "dev", "subject": "110105198001010030", "name": "王五", "role": "citizen"}
COMPANY = {"provider": "dev", "subject": "91110000600037341L", "name": "某某餐饮有限公司", "role": "company"}
CLERK = {"provider": "dev", "subject": "clerk-001", "name": "窗口一号", "role": "clerk"}
DEPT_GA = {"provider": "dev", "subject": "ga-001", "name": "公安户籍科", "role": "department", "department": "GA"}
OPS = {"provider": "dev", "subject": "ops-001", "name": "运维", "role": "ops"}


async def login(client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, str]:
    answer = await client.post("/v1/auth/login", json=body)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}
