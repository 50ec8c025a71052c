"""A consumer runner whose durable consumer filters on several subjects at once.

`dispatch-applications` wants submitted, supplemented and withdrawn, but not the task events
dispatch itself publishes on the same stream (a dozen per application): filtering them out at
the server spares a database commit each. onevisit's runner takes one filter subject only.
"""

from typing import Any

from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from onevisit.bus import Bus
from onevisit.consumer import Consumer, ConsumerRunner


class MultiSubjectRunner(ConsumerRunner):
    def __init__(self, bus: Bus, session_factory: Any, consumer: Consumer, subjects: list[str]):
        super().__init__(bus, session_factory, consumer)
        self.subjects = subjects

    async def subscribe(self) -> Any:
        version = self.bus.nc.connected_server_version
        if (version.major, version.minor) < (2, 10):
            return await super().subscribe()
        c = self.consumer
        config = ConsumerConfig(
            durable_name=c.name,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=c.ack_wait_seconds,
            max_deliver=c.max_deliver,
            max_ack_pending=1000,
            filter_subjects=[self.bus.subject(s) for s in self.subjects],
        )
        stream = self.bus.stream(c.stream)
        await self.bus.js.add_consumer(stream, config)
        return await self.bus.js.pull_subscribe_bind(durable=c.name, stream=stream)
