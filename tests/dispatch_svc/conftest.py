"""dispatch-svc in-process with the REAL catalog (migrated, seeded) behind an injected transport,
real NATS, a real database; the department simulator runs as an asyncio task when a test wants it."""

import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from catalog_svc.main import create_app as create_catalog_app
from catalog_svc.seed.loader import seed_database
from catalog_svc.settings import Settings as CatalogSettings
from dept_simulator.app import create_app as create_simulator_app
from dept_simulator.settings import DepartmentProfile, SimulatorSettings
from dispatch_svc.main import create_app
from dispatch_svc.settings import Settings
from dispatch_svc.tasks.models import Task
from onevisit.bus import Bus
from onevisit.db import create_engine, create_session_factory
from onevisit.events import Applicant, ApplicationSubmitted, Event
from tests.support.infra import TestDatabase, migrate, running_app

NEWBORN = "B01"


@dataclass
class Catalog:
    app: Any
    client: httpx.AsyncClient

    async def bundle(self, code: str = NEWBORN) -> dict[str, Any]:
        response = await self.client.get(f"/v1/bundles/{code}")
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
async def catalog(
    make_database: Callable[[str], TestDatabase], nats_url: str, bus_namespace: str
) -> AsyncIterator[Catalog]:
    database = make_database("catalog")
    await migrate("catalog_svc", database)
    engine = create_engine(database.url, schema=database.schema)
    await seed_database(create_session_factory(engine))
    await engine.dispose()
    settings = CatalogSettings(
        database_url=database.url,
        database_schema=database.schema,
        nats_url=nats_url,
        bus_namespace=bus_namespace,
        log_json=False,
    )
    app = create_catalog_app(settings)
    async with running_app(app) as client:
        yield Catalog(app, client)


@pytest.fixture
async def dispatch_db(make_database: Callable[[str], TestDatabase]) -> TestDatabase:
    database = make_database("dispatch")
    await migrate("dispatch_svc", database)
    return database


@pytest.fixture
def dispatch_settings(dispatch_db: TestDatabase, nats_url: str, bus_namespace: str) -> Settings:
    return Settings(
        database_url=dispatch_db.url,
        database_schema=dispatch_db.schema,
        nats_url=nats_url,
        bus_namespace=bus_namespace,
        outbox_poll_seconds=0.2,
        webhook_poll_seconds=0.1,
        webhook_backoff_base_seconds=0.05,
        webhook_backoff_max_seconds=0.4,
        log_json=False,
    )


@dataclass
class Dispatch:
    app: Any
    client: httpx.AsyncClient

    async def tasks(self, application_id: uuid.UUID) -> dict[str, Task]:
        async with self.app.state.runtime.session_factory() as session:
            rows = await session.scalars(select(Task).where(Task.application_id == application_id))
            return {t.item_code: t for t in rows}


@pytest.fixture
async def dispatch(catalog: Catalog, dispatch_settings: Settings) -> AsyncIterator[Dispatch]:
    app = create_app(dispatch_settings, catalog_transport=httpx.ASGITransport(app=catalog.app))
    async with running_app(app) as client:
        yield Dispatch(app, client)


@asynccontextmanager
async def simulator(
    nats_url: str,
    bus_namespace: str,
    *,
    default: DepartmentProfile | None = None,
    departments: dict[str, DepartmentProfile] | None = None,
    dispatch_app: Any = None,
) -> AsyncIterator[Any]:
    """The department simulator running in this event loop against the test's NATS namespace."""
    settings = SimulatorSettings(
        nats_url=nats_url,
        bus_namespace=bus_namespace,
        default=default or DepartmentProfile(delay_min_seconds=0, delay_max_seconds=0.02),
        departments=departments or {},
        gateway_url="http://dispatch",
        public_url="http://simulator",
        result_auth="internal",
        seed=7,
    )
    transport = httpx.ASGITransport(app=dispatch_app) if dispatch_app is not None else None
    app = create_simulator_app(settings, http_transport=transport)
    async with app.router.lifespan_context(app):
        yield app


class Recorder:
    """Every application event dispatch publishes, read straight from the stream."""

    def __init__(self, bus: Bus):
        self.bus = bus
        self.events: list[tuple[str, dict[str, Any]]] = []
        self._subscription: Any = None

    async def start(self) -> "Recorder":
        async def collect(msg: Any) -> None:
            self.events.append((self.bus.unnamespaced(msg.subject), json.loads(msg.data)))

        self._subscription = await self.bus.js.subscribe(
            self.bus.subject("onevisit.application.>"), cb=collect, ordered_consumer=True
        )
        return self

    def of(self, subject: str, application_id: uuid.UUID | None = None) -> list[dict[str, Any]]:
        return [
            body
            for s, body in self.events
            if s == subject and (application_id is None or body.get("application_id") == str(application_id))
        ]

    async def stop(self) -> None:
        await self._subscription.unsubscribe()


@pytest.fixture
async def recorder(bus: Bus) -> AsyncIterator[Recorder]:
    started = await Recorder(bus).start()
    yield started
    await started.stop()


def submitted(bundle: dict[str, Any], *, items: list[str] | None = None, **overrides: Any) -> ApplicationSubmitted:
    """An ApplicationSubmitted as intake publishes it, with a complete form for the chosen items."""
    chosen = items or [i["code"] for i in bundle["items"]]
    form: dict[str, Any] = {}
    for item in bundle["items"]:
        if item["code"] in chosen:
            for key in item["fields"]:
                section, _, name = key.partition(".")
                form.setdefault(section, {})[name] = f"{name}-值"
    materials = [
        {
            "id": str(uuid.uuid4()),
            "material_code": code,
            "sha256": "ab" * 32,
            "size": 100,
            "content_type": "application/pdf",
            "filename": f"{code}.pdf",
        }
        for code in sorted({m for i in bundle["items"] if i["code"] in chosen for m in i["materials"]})
    ]
    values: dict[str, Any] = dict(
        application_id=uuid.uuid4(),
        bundle_code=bundle["code"],
        catalog_version=bundle["version"],
        items=chosen,
        applicant=Applicant(subject="11010519491231002X", name="张三", phone="13800138000"),
        form_data=form,
        materials=materials,
    )
    values.update(overrides)
    return ApplicationSubmitted(**values)


async def publish(bus: Bus, event: Event) -> None:
    await bus.publish_event(event)
