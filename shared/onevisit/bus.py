"""The NATS JetStream bus: connection, the four streams, namespaced subjects, publishing.

Every subject is written `onevisit.…` in code; the bus swaps `onevisit` for its namespace so
that test runs sharing one NATS server never see each other's messages.
"""

import json
import logging
from dataclasses import dataclass
from typing import Any

import nats
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError

from onevisit.events import Event

log = logging.getLogger("onevisit.bus")

# Longer than the outbox relay's retry horizon, so a re-published event is always de-duplicated.
DUPLICATE_WINDOW_SECONDS = 2 * 60 * 60
BASE_NAMESPACE = "onevisit"


@dataclass(frozen=True)
class StreamSpec:
    name: str
    subjects: tuple[str, ...]


STREAMS = (
    StreamSpec("APPLICATIONS", ("onevisit.application.>",)),
    StreamSpec("TASKS", ("onevisit.dept.*.task",)),
    StreamSpec("RESULTS", ("onevisit.dept.*.result",)),
    StreamSpec("NOTIFY", ("onevisit.notify.>",)),
)


class Bus:
    """A connected JetStream context plus the namespace that maps subjects and stream names."""

    def __init__(self, nc: NATS, namespace: str = BASE_NAMESPACE):
        self.nc = nc
        self.js: JetStreamContext = nc.jetstream(timeout=5)
        self.namespace = namespace

    @classmethod
    async def connect(cls, url: str, *, namespace: str = BASE_NAMESPACE, name: str = "onevisit") -> "Bus":
        nc = await nats.connect(
            servers=[url],
            name=name,
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.5,
            connect_timeout=3,
            allow_reconnect=True,
            drain_timeout=5,
        )
        return cls(nc, namespace)

    def subject(self, subject: str) -> str:
        """Map a code subject (`onevisit.x.y`) to this bus's namespace."""
        if subject == BASE_NAMESPACE or subject.startswith(BASE_NAMESPACE + "."):
            return self.namespace + subject[len(BASE_NAMESPACE) :]
        return subject

    def unnamespaced(self, subject: str) -> str:
        if subject.startswith(self.namespace + "."):
            return BASE_NAMESPACE + subject[len(self.namespace) :]
        return subject

    def stream(self, name: str) -> str:
        if self.namespace == BASE_NAMESPACE:
            return name
        return f"{self.namespace.upper().replace('.', '_').replace('-', '_')}_{name}"

    async def ensure_streams(self) -> None:
        """Create the streams (file storage) or bring their config up to date; safe from every service."""
        for spec in STREAMS:
            config = StreamConfig(
                name=self.stream(spec.name),
                subjects=[self.subject(s) for s in spec.subjects],
                storage=StorageType.FILE,
                retention=RetentionPolicy.LIMITS,
                discard=DiscardPolicy.OLD,
                duplicate_window=DUPLICATE_WINDOW_SECONDS,
                max_age=90 * 24 * 3600,
            )
            try:
                await self.js.add_stream(config)
            except BadRequestError:
                await self.js.update_stream(config)

    async def publish_raw(
        self, subject: str, payload: bytes, *, msg_id: str, headers: dict[str, str] | None = None
    ) -> bool:
        """Publish with `Nats-Msg-Id`; returns False when JetStream saw this id before."""
        all_headers = {"Nats-Msg-Id": msg_id, **(headers or {})}
        ack = await self.js.publish(self.subject(subject), payload, headers=all_headers)
        return not ack.duplicate

    async def publish_event(self, event: Event, headers: dict[str, str] | None = None) -> bool:
        return await self.publish_raw(
            event.subject, event.model_dump_json().encode(), msg_id=str(event.event_id), headers=headers
        )

    async def publish_json(self, subject: str, body: dict[str, Any], *, msg_id: str) -> bool:
        payload = json.dumps(body, ensure_ascii=False, default=str).encode()
        return await self.publish_raw(subject, payload, msg_id=msg_id)

    async def delete_streams(self) -> None:
        """Remove this namespace's streams (tests clean up after themselves on a shared server)."""
        for spec in STREAMS:
            try:
                await self.js.delete_stream(self.stream(spec.name))
            except Exception:
                pass

    @property
    def is_connected(self) -> bool:
        return self.nc.is_connected

    async def close(self) -> None:
        if not self.nc.is_closed:
            await self.nc.drain()
