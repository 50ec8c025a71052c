"""Every table of gateway, imported for alembic; features keep their models in their folders."""

from onevisit.consumer import DeadLetter, ProcessedMessage
from onevisit.idempotency import IdempotencyRecord
from onevisit.outbox import OutboxMessage

__all__ = ["DeadLetter", "IdempotencyRecord", "OutboxMessage", "ProcessedMessage"]
