"""Catalog fixtures: a database migrated and seeded once per session for the read-only tests,
and fresh per-test databases for the tests that write."""

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from catalog_svc.main import create_app
from catalog_svc.seed.loader import load_dictionaries, seed_database
from catalog_svc.settings import Settings
from onevisit.db import create_engine, create_session_factory
from onevisit.migrations import upgrade_database
from tests.support.infra import TestDatabase, migrate, running_app


async def _seed(database: TestDatabase) -> None:
    engine = create_engine(database.url, schema=database.schema)
    try:
        await seed_database(create_session_factory(engine))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    """Migrated and seeded with every built-in bundle; tests on it must only read."""
    database = TestDatabase(tmp_path_factory.mktemp("catalog-seeded"), "catalog")
    upgrade_database("catalog_svc", database.url, database.schema)
    asyncio.run(_seed(database))
    yield database
    asyncio.run(database.drop())


def catalog_settings(database: TestDatabase, nats_url: str, namespace: str) -> Settings:
    return Settings(
        database_url=database.url,
        database_schema=database.schema,
        nats_url=nats_url,
        bus_namespace=namespace,
        environment="test",
        log_json=False,
    )


@pytest.fixture
async def catalog(seeded_database: TestDatabase, nats_url: str, bus_namespace: str) -> AsyncIterator[httpx.AsyncClient]:
    """The catalog app on the shared seeded database."""
    async with running_app(create_app(catalog_settings(seeded_database, nats_url, bus_namespace))) as client:
        yield client


@pytest.fixture
async def empty_catalog_database(make_database: Callable[[str], TestDatabase]) -> TestDatabase:
    """A fresh migrated database holding the seed dictionaries but no bundle."""
    database = make_database("catalog")
    await migrate("catalog_svc", database)
    engine = create_engine(database.url, schema=database.schema)
    try:
        async with create_session_factory(engine)() as session:
            await load_dictionaries(session)
            await session.commit()
    finally:
        await engine.dispose()
    return database


@pytest.fixture
async def writable_catalog(
    empty_catalog_database: TestDatabase, nats_url: str, bus_namespace: str
) -> AsyncIterator[httpx.AsyncClient]:
    """The catalog app on a fresh database (dictionaries only) that tests may change."""
    settings = catalog_settings(empty_catalog_database, nats_url, bus_namespace)
    async with running_app(create_app(settings)) as client:
        yield client


SEED_DIR = Path(__file__).resolve().parents[2] / "catalog-svc" / "catalog_svc" / "seed"
