"""Fixtures of notify-svc tests: the real app on a real database and a real NATS namespace."""

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from nats.js.errors import NotFoundError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notify_svc.main import create_app
from notify_svc.settings import Settings
from onevisit.bus import Bus
from onevisit.events import Applicant, ApplicationCompleted, ApplicationSubmitted, TaskDecided, TaskResultSummary
from tests.support.infra import TestDatabase, migrate, running_app

CITIZEN = "11010519491231002X"


@dataclass
class NotifyHarness:
    client: httpx.AsyncClient
    bus: Bus
    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    headers: Callable[..., dict[str, str]]


def notify_settings(database: TestDatabase, nats_url: str, namespace: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database.url,
        "database_schema": database.schema,
        "nats_url": nats_url,
        "bus_namespace": namespace,
        "environment": "test",
        "log_json": False,
        "outbox_poll_seconds": 0.1,
        "sender_poll_seconds": 0.05,
        "notification_retry_base_seconds": 0.05,
        "notification_retry_max_seconds": 0.2,
        # Nothing listens there: tests that need catalog pass the real app as catalog_transport.
        "catalog_url": "http://127.0.0.1:9",
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def start_notify(make_database, nats_url: str, bus_namespace: str, bus: Bus, identity_header):
    """Start notify (migrated, lifespan running) with optional setting overrides and provider transport."""

    @asynccontextmanager
    async def start(
        *,
        provider_transport: httpx.AsyncBaseTransport | None = None,
        catalog_transport: httpx.AsyncBaseTransport | None = None,
        **overrides: Any,
    ) -> AsyncIterator[NotifyHarness]:
        database = make_database("notify")
        await migrate("notify_svc", database)
        settings = notify_settings(database, nats_url, bus_namespace, **overrides)
        app = create_app(settings, provider_transport=provider_transport, catalog_transport=catalog_transport)
        async with running_app(app) as client:
            yield NotifyHarness(client, bus, app.state.runtime.session_factory, settings, identity_header)

    return start


@pytest.fixture
async def notify(start_notify) -> AsyncIterator[NotifyHarness]:
    async with start_notify() as harness:
        yield harness


def applicant(subject: str = CITIZEN, phone: str | None = "13800138000") -> Applicant:
    return Applicant(subject=subject, name="张三", phone=phone)


def submitted(application_id: uuid.UUID, who: Applicant | None = None) -> ApplicationSubmitted:
    return ApplicationSubmitted(
        application_id=application_id,
        bundle_code="B01",
        catalog_version=1,
        items=["I01", "I02"],
        applicant=who or applicant(),
    )


def decided(application_id: uuid.UUID, task_id: uuid.UUID, item: str = "I01", status: str = "approved") -> TaskDecided:
    return TaskDecided(
        application_id=application_id,
        task_id=task_id,
        item_code=item,
        department_code="health",
        status=status,  # type: ignore[arg-type]
        reason=None if status == "approved" else "不符合条件",
    )


def completed(
    application_id: uuid.UUID, task_ids: list[uuid.UUID], who: Applicant | None = None, *, with_licence: bool = True
) -> ApplicationCompleted:
    who = who or applicant()
    results = [
        TaskResultSummary(
            task_id=task_id,
            item_code=f"I0{i + 1}",
            department_code="health",
            status="approved",
            outputs={"number": f"Q{i}"},
            licence={
                "type_name": "出生医学证明",
                "type_code": "11100000000013338W001",
                "number": f"Q44{task_id.hex[:8]}",
                "issuer": "市卫生健康委员会",
                "issuer_code": "12440000MB2D12345X",
                "holder": "张小明",
                "data": {"出生日期": "2026-03-01"},
                "jurisdiction": "440100",
            }
            if with_licence and i == 0
            else None,
        )
        for i, task_id in enumerate(task_ids)
    ]
    return ApplicationCompleted(
        application_id=application_id, bundle_code="B01", outcome="completed", applicant=who, results=results
    )


async def consumer_settled(notify: NotifyHarness, consumer: str, *, at_least: int) -> bool:
    """The consumer has been given `at_least` messages and acknowledged every one of them."""
    try:
        info = await notify.bus.js.consumer_info(notify.bus.stream("NOTIFY"), consumer)
    except NotFoundError:
        return False  # notify creates its consumers as it starts: not there yet
    return info.delivered.stream_seq >= at_least and info.num_pending == 0 and info.num_ack_pending == 0
