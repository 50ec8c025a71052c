"""The NATS consumers of dispatch: applications in (submitted, supplemented, withdrawn), results in."""

import re

from sqlalchemy.ext.asyncio import AsyncSession

from dispatch_svc.catalog_client import BundleVersionNotFound, CatalogClient
from dispatch_svc.settings import Settings
from dispatch_svc.tasks import service
from onevisit.consumer import IGNORE, Consumer, MessageContext, PermanentError, Route
from onevisit.contracts import DepartmentResult
from onevisit.events import ApplicationSubmitted, ApplicationSupplemented, ApplicationWithdrawn

# Departments are asked to publish results with Nats-Msg-Id `result-<task id>-<attempt>`;
# when they do, an answer to an earlier attempt of a corrected task is recognised and ignored.
_RESULT_ID = re.compile(r"^result-(?P<task>[0-9a-f-]{36})-(?P<attempt>\d+)$")


def application_consumer(*, settings: Settings, catalog: CatalogClient) -> Consumer:
    async def on_submitted(session: AsyncSession, event: ApplicationSubmitted, ctx: MessageContext) -> None:
        """Build the task graph from the pinned bundle version and send the first wave."""
        try:
            # CatalogUnavailable propagates: the runner naks and the message comes back later.
            bundle = await catalog.bundle(event.bundle_code, event.catalog_version)
            await service.accept_submission(session, event=event, bundle=bundle, settings=settings)
        except (BundleVersionNotFound, service.UnknownItems) as exc:
            raise PermanentError(str(exc)) from exc

    async def on_supplemented(session: AsyncSession, event: ApplicationSupplemented, ctx: MessageContext) -> None:
        """The applicant's supplement: send again the tasks that asked for a correction."""
        await service.supplement(session, event=event, settings=settings)

    async def on_withdrawn(session: AsyncSession, event: ApplicationWithdrawn, ctx: MessageContext) -> None:
        """The applicant withdrew: end every open task."""
        await service.withdraw(session, event=event)

    return Consumer(
        name="dispatch-applications",
        stream="APPLICATIONS",
        filter_subject="onevisit.application.>",
        routes={
            ApplicationSubmitted.subject: Route(ApplicationSubmitted, on_submitted),
            ApplicationSupplemented.subject: Route(ApplicationSupplemented, on_supplemented),
            ApplicationWithdrawn.subject: Route(ApplicationWithdrawn, on_withdrawn),
            # Dispatch's own events, seen only on servers that cannot filter them out (before 2.10).
            "onevisit.application.>": IGNORE,
        },
    )


def result_consumer(*, settings: Settings) -> Consumer:
    async def on_result(session: AsyncSession, result: DepartmentResult, ctx: MessageContext) -> None:
        """Apply a department's decision once; later answers for a decided task are ignored."""
        department = ctx.subject.split(".")[2]
        matched = _RESULT_ID.match(ctx.headers.get("Nats-Msg-Id", ""))
        attempt = int(matched["attempt"]) if matched and matched["task"] == str(result.task_id) else None
        task = await service.find_task(session, task_id=result.task_id)
        if task is None:
            raise PermanentError(f"unknown task {result.task_id}")
        if task.department_code != department:
            raise PermanentError(f"task {result.task_id} belongs to {task.department_code}, not {department}")
        await service.apply_result(
            session, result=result, actor=f"department:{department}", settings=settings, attempt=attempt
        )

    return Consumer(
        name="dispatch-results",
        stream="RESULTS",
        filter_subject="onevisit.dept.*.result",
        routes={"onevisit.dept.*.result": Route(DepartmentResult, on_result)},
    )
