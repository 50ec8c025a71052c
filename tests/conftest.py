"""Fixtures shared by every test: real NATS, a database per service per test, a bus namespace."""

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from onevisit.auth import Identity, encode_internal_identity
from onevisit.bus import Bus
from onevisit.settings import DEV_INTERNAL_SECRET
from tests.support.infra import (
    EXTERNAL_NATS_URL,
    NatsServer,
    TestDatabase,
    drop_namespace,
    unique_namespace,
)


@pytest.fixture(scope="session")
def nats_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The NATS server of this test run: the CI machine's when given, else one we start."""
    if EXTERNAL_NATS_URL:
        yield EXTERNAL_NATS_URL
        return
    server = NatsServer(tmp_path_factory.mktemp("nats")).start()
    yield server.url
    server.stop()


@pytest.fixture
async def bus_namespace(nats_url: str) -> AsyncIterator[str]:
    """A subject/stream namespace of this test only; its streams are deleted afterwards."""
    namespace = unique_namespace()
    yield namespace
    await drop_namespace(nats_url, namespace)


@pytest.fixture
async def bus(nats_url: str, bus_namespace: str) -> AsyncIterator[Bus]:
    connected = await Bus.connect(nats_url, namespace=bus_namespace)
    await connected.ensure_streams()
    yield connected
    await connected.close()


@pytest.fixture
async def make_database(tmp_path: Path) -> AsyncIterator[Callable[[str], TestDatabase]]:
    """Factory of per-test databases (SQLite files or PostgreSQL schemas), dropped afterwards."""
    created: list[TestDatabase] = []

    def make(name: str) -> TestDatabase:
        database = TestDatabase(tmp_path, name)
        created.append(database)
        return database

    yield make
    for database in created:
        await database.drop()


@pytest.fixture
def identity_header() -> Callable[..., dict[str, str]]:
    """Build the internal identity header the gateway would forward, for service-level tests."""

    def build(subject: str = "11010519491231002X", role: str = "citizen", **fields: object) -> dict[str, str]:
        identity = Identity(subject=subject, role=role, **fields)  # type: ignore[arg-type]
        return {"X-OneVisit-Identity": encode_internal_identity(identity, DEV_INTERNAL_SECRET)}

    return build
