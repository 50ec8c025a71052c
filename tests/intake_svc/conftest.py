"""intake-svc test harness: the REAL catalog (migrated and seeded once per session) served
in-process to intake through an httpx ASGI transport, intake on its own database, real NATS."""

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from catalog_svc.main import create_app as create_catalog_app
from catalog_svc.seed.loader import SEED_DIR, seed_database
from catalog_svc.settings import Settings as CatalogSettings
from intake_svc.main import create_app
from intake_svc.settings import Settings
from onevisit.db import create_engine, create_session_factory
from tests.support.infra import TestDatabase, migrate, running_app

CITIZEN = "11010519491231002X"  # in the built-in sample population registry (张三)
OTHER_CITIZEN = "360426199101010071"
CLERK = "clerk-001"
FIXTURES = Path(__file__).parent / "fixtures"

# A pdf is enough for the type check: the content starts with its magic bytes.
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="session")
def catalog_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    """The catalog's database, migrated and seeded once: the real B01 plus a test bundle T01
    whose materials allow 容缺 and 告知承诺."""
    seed_dir = tmp_path_factory.mktemp("catalog-seed")
    shutil.copytree(SEED_DIR, seed_dir, dirs_exist_ok=True)
    shutil.copy(FIXTURES / "T01_test_deficiency.yaml", seed_dir / "bundles" / "T01_test_deficiency.yaml")
    database = TestDatabase(tmp_path_factory.mktemp("catalog-db"), "catalog")

    async def prepare() -> None:
        await migrate("catalog_svc", database)
        engine = create_engine(database.url, schema=database.schema)
        try:
            await seed_database(create_session_factory(engine), seed_dir)
        finally:
            await engine.dispose()

    asyncio.run(prepare())
    yield database
    asyncio.run(database.drop())


@dataclass
class Intake:
    client: httpx.AsyncClient
    app: FastAPI
    settings: Settings
    catalog_app: FastAPI
    identity_header: Callable[..., dict[str, str]]

    def as_(self, subject: str = CITIZEN, role: str = "citizen", **fields: Any) -> dict[str, str]:
        fields.setdefault("name", "张三" if subject == CITIZEN else None)
        fields.setdefault("phone", "13800138000")
        return self.identity_header(subject=subject, role=role, **fields)

    async def draft(self, body: dict[str, Any] | None = None, **who: Any) -> dict[str, Any]:
        response = await self.client.post(
            "/v1/applications", json=body or {"bundle_code": "B01", "answers": {}}, headers=self.as_(**who)
        )
        assert response.status_code == 201, response.text
        return response.json()

    async def upload(self, application_id: str, code: str, data: bytes = PDF, **who: Any) -> httpx.Response:
        return await self.client.post(
            f"/v1/applications/{application_id}/materials",
            data={"material_code": code},
            files={"file": (f"{code}.pdf", data, "application/octet-stream")},
            headers=self.as_(**who),
        )


def intake_settings(database: TestDatabase, nats_url: str, namespace: str, tmp_path: Path, **extra: Any) -> Settings:
    return Settings(
        database_url=database.url,
        database_schema=database.schema,
        nats_url=nats_url,
        bus_namespace=namespace,
        environment="test",
        var_dir=tmp_path,
        storage_dir=tmp_path / "materials",
        outbox_poll_seconds=0.1,
        log_json=False,
        # Nothing listens there: a test that needs notify's licences passes the real app instead.
        **{"notify_url": "http://127.0.0.1:9", **extra},
    )


@pytest.fixture
def catalog_app(catalog_database: TestDatabase, nats_url: str, bus_namespace: str) -> FastAPI:
    return create_catalog_app(
        CatalogSettings(
            database_url=catalog_database.url,
            database_schema=catalog_database.schema,
            nats_url=nats_url,
            bus_namespace=bus_namespace,
            environment="test",
            log_json=False,
        )
    )


@pytest.fixture
def intake_options() -> dict[str, Any]:
    """Extra settings and app factory arguments; a test module overrides this fixture to change them."""
    return {}


@pytest.fixture
async def intake(
    catalog_app: FastAPI,
    make_database,
    nats_url: str,
    bus_namespace: str,
    tmp_path: Path,
    identity_header,
    intake_options: dict[str, Any],
) -> AsyncIterator[Intake]:
    database = make_database("intake")
    await migrate("intake_svc", database)
    options = dict(intake_options)
    factory_args = {k: options.pop(k) for k in ("storage", "provider_transport", "licence_transport") if k in options}
    settings = intake_settings(database, nats_url, bus_namespace, tmp_path, **options)
    async with catalog_app.router.lifespan_context(catalog_app):
        app = create_app(settings, catalog_transport=httpx.ASGITransport(app=catalog_app), **factory_args)
        async with running_app(app) as client:
            yield Intake(client, app, settings, catalog_app, identity_header)
