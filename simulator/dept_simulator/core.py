"""The simulated departments: NATS-native ones consume tasks and publish results; webhook ones
receive signed POSTs and post results over HTTP. Both de-duplicate by (task id, attempt), as
every department must: a task may be delivered more than once.

A task that still lists `pending_materials` (容缺受理) is taken on but not decided: as a real
department, the simulator decides once the material arrives, in the task's next attempt; if the
applicant's `supplement_by` passes first, it refuses the item (容缺材料逾期未补正)."""

import asyncio
import json
import logging
import uuid
from collections import Counter, OrderedDict
from datetime import UTC, datetime
from typing import Any

import httpx
import nats.errors
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from dept_simulator.behaviour import Behaviour
from dept_simulator.settings import SimulatorSettings
from onevisit.auth import Identity, encode_internal_identity
from onevisit.bus import Bus
from onevisit.contracts import DepartmentResult, DepartmentTask, result_subject
from onevisit.signing import verify_webhook

log = logging.getLogger("dept_simulator")

CONSUMER = "simulator-tasks"


def result_message_id(task: DepartmentTask) -> str:
    """Stable per task and attempt: answering a redelivered task twice publishes one result."""
    return f"result-{task.task_id}-{task.attempt}"


class Seen:
    """The (task, attempt) pairs already taken on, bounded; plus how often each was delivered."""

    def __init__(self, capacity: int = 100_000):
        self.capacity = capacity
        self._keys: OrderedDict[str, None] = OrderedDict()
        self.deliveries: Counter[str] = Counter()

    def first_time(self, key: str) -> bool:
        self.deliveries[key] += 1
        if key in self._keys:
            return False
        self._keys[key] = None
        if len(self._keys) > self.capacity:
            self._keys.popitem(last=False)
        return True


class Simulator:
    def __init__(self, settings: SimulatorSettings, *, http_transport: httpx.AsyncBaseTransport | None = None):
        self.settings = settings
        self.behaviour = Behaviour(settings.seed)
        self.seen = Seen()
        self.answered: Counter[str] = Counter()
        self.held_for_materials: Counter[str] = Counter()
        self.refused_for_lapse: Counter[str] = Counter()
        # The newest attempt seen of each task: a held attempt that a newer one replaced is not refused.
        self._latest_attempt: dict[uuid.UUID, int] = {}
        self.bus: Bus | None = None
        self.http = httpx.AsyncClient(base_url=settings.gateway_url, timeout=10, transport=http_transport)
        self._slots = asyncio.Semaphore(settings.max_in_flight)
        self._tokens: dict[str, str] = {}
        self._background: set[asyncio.Task[Any]] = set()
        self._stopping = False
        self._subscription: Any = None

    # -- NATS departments -------------------------------------------------------------------
    async def connect(self) -> Bus:
        self.bus = await Bus.connect(
            self.settings.nats_url, namespace=self.settings.bus_namespace, name="dept-simulator"
        )
        await self.bus.ensure_streams()
        return self.bus

    async def run_nats(self) -> None:
        """Consume every department's tasks (durable `simulator-tasks`) and answer them."""
        bus = self.bus or await self.connect()
        longest = max(
            [p.delay_max_seconds for p in self.settings.departments.values()]
            + [self.settings.default.delay_max_seconds]
        )
        config = ConsumerConfig(
            durable_name=CONSUMER,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=max(30.0, longest * 3),
            max_ack_pending=self.settings.max_in_flight * 2,
            filter_subject=bus.subject("onevisit.dept.*.task"),
        )
        try:
            await self._consume(bus, config)
        finally:
            if self._subscription is not None:
                await self._subscription.unsubscribe()

    async def _consume(self, bus: Bus, config: ConsumerConfig) -> None:
        subscription = None
        while not self._stopping:
            try:
                if subscription is None:
                    subscription = self._subscription = await bus.js.pull_subscribe(
                        bus.subject("onevisit.dept.*.task"),
                        durable=CONSUMER,
                        stream=bus.stream("TASKS"),
                        config=config,
                    )
                messages = await subscription.fetch(64, timeout=1)
            except (nats.errors.TimeoutError, TimeoutError):
                continue
            except Exception as exc:
                log.warning("simulator fetch failed: %r", exc)
                subscription = None
                await asyncio.sleep(0.5)
                continue
            for msg in messages:
                await self._slots.acquire()
                self._spawn(self._answer_nats(msg))

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _answer_nats(self, msg: Msg) -> None:
        try:
            task = DepartmentTask.model_validate_json(msg.data)
            profile = self.settings.profile(task.department_code)
            if profile.mode != "nats":
                await msg.ack()  # a webhook department gets this task by HTTP instead
                return
            fresh = self.seen.first_time(f"{task.task_id}-{task.attempt}")
            if self._holds(task, fresh=fresh):
                await msg.ack()
                return
            await asyncio.sleep(self.behaviour.delay(profile))
            await self._publish_result(task, self.behaviour.decide(task, profile))
            self.answered[task.department_code] += 1
            await msg.ack()
        except Exception as exc:
            log.warning("simulator could not answer a task: %r", exc)
            await msg.nak(delay=1)
        finally:
            self._slots.release()

    # -- webhook departments ----------------------------------------------------------------
    async def register_webhooks(self) -> None:
        """Tell dispatch where each webhook department wants its tasks."""
        for department, profile in self.settings.departments.items():
            if profile.mode != "webhook":
                continue
            response = await self.http.put(
                "/v1/dept/webhook",
                json={"url": f"{self.settings.own_url}/webhooks/{department}", "secret": self.settings.webhook_secret},
                headers=await self._auth(department),
            )
            response.raise_for_status()

    def accept_webhook(self, department: str, body: bytes, headers: dict[str, str]) -> int:
        """Status to answer a webhook POST with; a fresh task is answered in the background."""
        profile = self.settings.profile(department)
        # The shared check: HMAC over "timestamp.body", constant-time, at most 5 minutes old.
        if not verify_webhook(
            self.settings.webhook_secret,
            body,
            headers.get("x-onevisit-timestamp", ""),
            headers.get("x-onevisit-signature", ""),
        ):
            return 401
        if self.behaviour.fails_http(profile):
            return 503
        task = DepartmentTask.model_validate_json(body)
        fresh = self.seen.first_time(f"{task.task_id}-{task.attempt}")
        if fresh and not self._holds(task, fresh=True):
            self._spawn(self._answer_http(task))
        return 202

    def _holds(self, task: DepartmentTask, *, fresh: bool) -> bool:
        """Whether the task waits for materials accepted missing: it comes again when they arrive,
        or is refused once the applicant's deadline for them has passed."""
        self._latest_attempt[task.task_id] = max(task.attempt, self._latest_attempt.get(task.task_id, 0))
        if not task.pending_materials:
            return False
        if fresh:
            self.held_for_materials[task.department_code] += 1
            self._spawn(self._refuse_when_lapsed(task))
        return True

    async def _refuse_when_lapsed(self, task: DepartmentTask) -> None:
        last_day = max(p.supplement_by for p in task.pending_materials)
        await asyncio.sleep(max(0.0, (last_day - datetime.now(UTC)).total_seconds()))
        if self._latest_attempt.get(task.task_id) != task.attempt:
            return  # the material came: the newer attempt is decided on its own
        missing = "、".join(p.name or p.material_code for p in task.pending_materials)
        refusal = DepartmentResult(
            task_id=task.task_id, decision="rejected", reason=f"容缺材料逾期未补正：{missing}", decided_by="simulator"
        )
        if self.settings.profile(task.department_code).mode == "nats":
            await self._publish_result(task, refusal)
            self.answered[task.department_code] += 1
        else:  # counted as answered once posted
            await self._post_result(task, refusal)
        self.refused_for_lapse[task.department_code] += 1

    async def _publish_result(self, task: DepartmentTask, result: DepartmentResult) -> None:
        assert self.bus is not None
        # Answered again on a redelivery: the same message id lets JetStream drop the copy.
        await self.bus.publish_json(
            result_subject(task.department_code), result.model_dump(mode="json"), msg_id=result_message_id(task)
        )

    async def _answer_http(self, task: DepartmentTask) -> None:
        profile = self.settings.profile(task.department_code)
        await asyncio.sleep(self.behaviour.delay(profile))
        await self._post_result(task, self.behaviour.decide(task, profile))

    async def _post_result(self, task: DepartmentTask, result: DepartmentResult) -> None:
        for pause in (0.5, 1, 2, 5, 10, 30):
            try:
                response = await self.http.post(
                    f"/v1/dept/tasks/{task.task_id}/result",
                    content=json.dumps(result.model_dump(mode="json"), ensure_ascii=False),
                    headers={"Content-Type": "application/json", **await self._auth(task.department_code)},
                )
                if response.status_code == 401 and self.settings.result_auth == "gateway":
                    self._tokens.pop(task.department_code, None)  # the login expired: log in again
                elif response.status_code < 500:
                    self.answered[task.department_code] += 1
                    return
                log.warning("result for task %s refused (%s), retrying", task.task_id, response.status_code)
            except Exception as exc:
                # Whatever went wrong, this task was acknowledged: it must still be answered.
                log.warning("posting the result of task %s failed: %r", task.task_id, exc)
            await asyncio.sleep(pause)
        log.error("gave up answering task %s", task.task_id)

    async def _auth(self, department: str) -> dict[str, str]:
        if self.settings.result_auth == "internal":
            identity = Identity(subject=f"simulator-{department}", role="department", department=department)
            return {"X-OneVisit-Identity": encode_internal_identity(identity, self.settings.internal_secret)}
        if department not in self._tokens:
            response = await self.http.post(
                "/v1/auth/login",
                json={
                    "provider": "dev",
                    "subject": f"simulator-{department}",
                    "role": "department",
                    "department": department,
                },
            )
            response.raise_for_status()
            self._tokens[department] = response.json()["access_token"]
        return {"Authorization": f"Bearer {self._tokens[department]}"}

    def stats(self) -> dict[str, Any]:
        return {
            "answered": dict(self.answered),
            "held_for_materials": dict(self.held_for_materials),
            "refused_for_lapse": dict(self.refused_for_lapse),
            "tasks_seen": len(self.seen.deliveries),
            "redeliveries": sum(n - 1 for n in self.seen.deliveries.values()),
        }

    async def close(self) -> None:
        self._stopping = True
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        await self.http.aclose()
        if self.bus is not None:
            await self.bus.close()
