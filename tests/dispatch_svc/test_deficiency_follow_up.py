"""容缺 follow-up by the deadline scanner: the applicant is reminded one working day before
`supplement_by`; once it has passed the deficiency lapses, the task's clock runs again (a red
warning may follow), the department and the applicant are told, each once across replicas; and a
material supplied after the lapse still reaches the department."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import select

from dispatch_svc.deadlines import clock
from dispatch_svc.deadlines.service import follow_up_deficiencies, scan
from dispatch_svc.main import create_app
from dispatch_svc.settings import Settings
from dispatch_svc.tasks import deficiencies
from dispatch_svc.tasks.models import DispatchApplication, Task
from onevisit.bus import Bus
from onevisit.calendar import CHINA_TZ
from onevisit.db import UTCDateTime, create_engine, utcnow
from onevisit.events import ApplicationSupplemented, ApplicationWithdrawn, DeficiencyNotice
from onevisit.migrations import alembic_config
from onevisit.outbox import OutboxMessage
from tests.dispatch_svc.conftest import Catalog, Dispatch, publish
from tests.dispatch_svc.test_deficiencies_and_licences import (
    DepartmentInbox,
    _bank_account_file,
    _bank_account_missing,
)
from tests.support.infra import eventually, migrate, running_app


def test_the_reminder_comes_at_nine_on_the_working_day_before_the_last_one() -> None:
    calendar = clock.working_calendar(None)
    # Due Monday: reminded the Friday before, not on the weekend.
    monday = datetime(2026, 11, 9, 23, 59, 59, tzinfo=CHINA_TZ)
    assert deficiencies.reminder_moment(monday, calendar) == datetime(2026, 11, 6, 9, 0, tzinfo=CHINA_TZ)
    # Due the day after National Day 2025 (10-01..10-08 off): reminded on 09-30.
    after_holiday = datetime(2025, 10, 9, 23, 59, 59, tzinfo=CHINA_TZ)
    assert deficiencies.reminder_moment(after_holiday, calendar) == datetime(2025, 9, 30, 9, 0, tzinfo=CHINA_TZ)


@pytest.fixture
async def dispatch(catalog: Catalog, dispatch_settings: Settings) -> AsyncIterator[Dispatch]:
    """Dispatch whose own scanner looks once, at start-up: the test runs the scans it means to."""
    settings = dispatch_settings.model_copy(update={"scanner_interval_seconds": 3600})
    app = create_app(settings, catalog_transport=httpx.ASGITransport(app=catalog.app))
    async with running_app(app) as client:
        yield Dispatch(app, client)


class NotifyStream:
    """Every DeficiencyNotice dispatch publishes, read straight from the NOTIFY stream."""

    def __init__(self, bus: Bus):
        self.bus = bus
        self.notices: list[dict[str, Any]] = []
        self._subscription: Any = None

    async def __aenter__(self) -> "NotifyStream":
        async def collect(msg: Any) -> None:
            self.notices.append(json.loads(msg.data))

        subject = self.bus.subject(DeficiencyNotice.subject)
        self._subscription = await self.bus.js.subscribe(subject, cb=collect, ordered_consumer=True)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._subscription.unsubscribe()

    async def of(self, kind: str) -> list[dict[str, Any]]:
        return [n for n in self.notices if n["kind"] == kind]


async def _follow_up_in_two_replicas(dispatch: Dispatch, *, now: datetime | None = None) -> int:
    """Two replicas' scanners at the same moment; returns the notices they raised between them."""
    factory = dispatch.app.state.runtime.session_factory
    settings: Settings = dispatch.app.state.runtime.settings
    at = now or utcnow()
    raised = await asyncio.gather(
        follow_up_deficiencies(factory, now=at, settings=settings),
        follow_up_deficiencies(factory, now=at, settings=settings),
    )
    return sum(raised)


async def _notices_in_outbox(dispatch: Dispatch, application_id: uuid.UUID) -> list[dict[str, Any]]:
    async with dispatch.app.state.runtime.session_factory() as session:
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.subject.like("%deficiency_notice")))
        payloads = [json.loads(row.payload) for row in rows]
    return [p for p in payloads if p["application_id"] == str(application_id)]


async def _rewrite_deficiency(dispatch: Dispatch, application_id: uuid.UUID, **changes: Any) -> None:
    """Set the application's one deficiency back in time, as the days passing would have."""
    async with dispatch.app.state.runtime.session_factory() as session:
        application = await session.get(DispatchApplication, application_id)
        assert application is not None
        application.deficiencies = [
            {**d, **{k: v.isoformat() for k, v in changes.items()}} for d in application.deficiencies
        ]
        application.deficiency_due_at = deficiencies.next_due(application.deficiencies)
        await session.commit()


async def test_the_applicant_is_reminded_then_the_deficiency_lapses_once_and_the_clock_runs_again(
    catalog: Catalog, dispatch: Dispatch, bus: Bus, identity_header
) -> None:
    event = _bank_account_missing(await catalog.bundle(), ["I07"])
    factory = dispatch.app.state.runtime.session_factory
    calendar = clock.working_calendar(None)
    async with DepartmentInbox(bus, "medical_insurance") as inbox, NotifyStream(bus) as stream:
        await publish(bus, event)
        _, first = await inbox.attempt(event.application_id, 1)
        [recorded] = (await _application(dispatch, event.application_id)).deficiencies
        supplement_by = event.deficiencies[0].supplement_by
        assert datetime.fromisoformat(recorded["remind_at"]) == deficiencies.reminder_moment(supplement_by, calendar)
        # Nothing due yet.
        assert await _follow_up_in_two_replicas(dispatch) == 0

        # The reminder's moment has come (one working day before the deadline): reminded once.
        await _rewrite_deficiency(dispatch, event.application_id, remind_at=utcnow() - timedelta(minutes=1))
        assert await _follow_up_in_two_replicas(dispatch) == 1
        assert await _follow_up_in_two_replicas(dispatch) == 0
        [reminder] = await eventually(lambda: stream.of("reminder"))
        assert reminder["material_code"] == "BANK_ACCT" and reminder["material_name"] == "银行账户"
        assert datetime.fromisoformat(reminder["supplement_by"]) == supplement_by
        assert [t["task_id"] for t in reminder["tasks"]] == [first["task_id"]]
        task = (await dispatch.tasks(event.application_id))["I07"]
        assert clock.is_paused(task)  # a reminder changes no clock

        # The state of a task sent 30 days ago, paused from the start, whose material was due 20 days ago.
        sent_at = utcnow() - timedelta(days=30)
        due = calendar.deadline(sent_at, 5, "working_days").at
        async with factory() as session:
            stored = await session.scalar(select(Task).where(Task.id == task.id))
            assert stored is not None
            stored.clock_started_at = sent_at
            clock.set_deadlines(stored, start=sent_at, calendar=calendar)
            stored.paused_intervals = [{"from": sent_at.isoformat(), "to": None, "reason": "deficiency"}]
            old_promised = stored.promised_deadline
            await session.commit()
        assert old_promised is not None
        await _rewrite_deficiency(dispatch, event.application_id, supplement_by=due)

        # Two replicas lapse it once between them; later scans find nothing more to do.
        assert await _follow_up_in_two_replicas(dispatch) == 1
        assert await _follow_up_in_two_replicas(dispatch) == 0
        [lapsed] = await eventually(lambda: stream.of("lapsed"))
        assert lapsed["tasks"] == [
            {
                "task_id": first["task_id"],
                "item_code": "I07",
                "item_name": first["item_name"],
                "department_code": "medical_insurance",
            }
        ]
        assert [n["kind"] for n in await _notices_in_outbox(dispatch, event.application_id)] == ["reminder", "lapsed"]
        application = await _application(dispatch, event.application_id)
        assert application.deficiencies[0]["lapsed_at"] is not None and application.deficiency_due_at is None
        # The clerk's screen says the material lapsed, so the department decides without it.
        clerk = identity_header(subject="clerk-1", role="department", department="medical_insurance")
        screen = (await dispatch.client.get(f"/v1/dept/tasks/{first['task_id']}", headers=clerk)).json()
        [pending] = screen["pending_materials"]
        assert pending["material_code"] == "BANK_ACCT" and pending["lapsed_at"] is not None

        # The clock runs again from the deadline the applicant missed, not from when the scanner saw it:
        # the deadline moved by the working days it stood still up to `supplement_by`.
        task = (await dispatch.tasks(event.application_id))["I07"]
        assert task.status == "dispatched" and not clock.is_paused(task)
        assert datetime.fromisoformat(task.paused_intervals[0]["to"]) == due
        lost = calendar.working_days_between(sent_at.astimezone(CHINA_TZ).date(), due.astimezone(CHINA_TZ).date())
        assert lost >= 5
        assert task.promised_deadline == calendar.deadline(old_promised, lost, "working_days").at
        # ... so the department's own delay since shows: overdue, a red warning.
        async with factory() as session:
            assert await scan(session, now=utcnow(), yellow_threshold=0.8) == 1
            await session.commit()
        assert (await dispatch.tasks(event.application_id))["I07"].warning_level == "red"

        # The material comes after all, before the department decided: it still reaches it.
        bank_account = _bank_account_file()
        await publish(bus, ApplicationSupplemented(application_id=event.application_id, materials=[bank_account]))
        _, second = await inbox.attempt(event.application_id, 2)
    assert second["task_id"] == first["task_id"] and second["pending_materials"] == []
    assert [m["material_code"] for m in second["materials"]] == ["BANK_ACCT"]
    [supplied] = (await _application(dispatch, event.application_id)).deficiencies
    assert supplied["supplied_at"] is not None and supplied["lapsed_at"] is not None


async def test_a_deadline_passing_after_the_application_ended_tells_nobody(
    catalog: Catalog, dispatch: Dispatch, bus: Bus
) -> None:
    event = _bank_account_missing(await catalog.bundle(), ["I07"])
    async with DepartmentInbox(bus, "medical_insurance") as inbox:
        await publish(bus, event)
        await inbox.attempt(event.application_id, 1)
    await publish(bus, ApplicationWithdrawn(application_id=event.application_id))

    async def withdrawn() -> bool:
        return (await _application(dispatch, event.application_id)).status == "withdrawn"

    await eventually(withdrawn)
    passed = utcnow() - timedelta(days=1)
    reminder = deficiencies.reminder_moment(passed, clock.working_calendar(None))
    await _rewrite_deficiency(dispatch, event.application_id, supplement_by=passed, remind_at=reminder)
    assert await _follow_up_in_two_replicas(dispatch) == 0
    assert await _notices_in_outbox(dispatch, event.application_id) == []
    # Not looked at again.
    assert (await _application(dispatch, event.application_id)).deficiency_due_at is None


async def _application(dispatch: Dispatch, application_id: uuid.UUID) -> DispatchApplication:
    async with dispatch.app.state.runtime.session_factory() as session:
        application = await session.get(DispatchApplication, application_id)
        assert application is not None
        return application


async def test_applications_already_waiting_for_a_material_lapse_after_the_upgrade(
    make_database: Callable[[str], Any],
) -> None:
    """Accepted before reminders existed: the upgrade makes the scanner look at them by `supplement_by`."""
    database = make_database("dispatch")
    config = alembic_config("dispatch_svc", database.url, database.schema)
    await asyncio.to_thread(command.upgrade, config, "dispatch_0004")
    supplement_by = datetime(2026, 12, 4, 23, 59, 59, tzinfo=CHINA_TZ)
    missing = {"material_code": "BANK_ACCT", "items": ["I07"], "supplement_by": supplement_by.isoformat()}
    waiting, supplied, done = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    applications = sa.table(
        "dispatch_applications",
        sa.column("id", sa.Uuid()),
        sa.column("bundle_code", sa.String()),
        sa.column("catalog_version", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("wave", sa.Integer()),
        *(sa.column(name, sa.JSON()) for name in ("applicant", "form_data", "materials", "deficiencies")),
        *(sa.column(name, UTCDateTime()) for name in ("submitted_at", "updated_at", "deficiency_due_at")),
    )
    engine = create_engine(database.url, schema=database.schema)
    rows = [
        (waiting, "in_progress", [{**missing, "supplied_at": None}]),
        (supplied, "in_progress", [{**missing, "supplied_at": utcnow().isoformat()}]),
        (done, "completed", [{**missing, "supplied_at": None}]),
    ]
    async with engine.begin() as connection:
        for application_id, status, kept in rows:
            await connection.execute(
                applications.insert().values(
                    id=application_id,
                    bundle_code="B01",
                    catalog_version=1,
                    applicant={},
                    status=status,
                    form_data={},
                    materials=[],
                    wave=1,
                    submitted_at=utcnow(),
                    updated_at=utcnow(),
                    deficiencies=kept,
                )
            )
    await migrate("dispatch_svc", database)
    async with engine.connect() as connection:
        found = dict((await connection.execute(sa.select(applications.c.id, applications.c.deficiency_due_at))).all())
    await engine.dispose()
    assert found == {waiting: supplement_by, supplied: None, done: None}
