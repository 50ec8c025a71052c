"""Every table of intake-svc, imported for alembic; features keep their models in their folders."""

from intake_svc.applications.models import Application, ApplicationTask, TimelineEntry
from intake_svc.materials.models import Commitment, MaterialFile
from onevisit.consumer import DeadLetter, ProcessedMessage
from onevisit.idempotency import IdempotencyRecord
from onevisit.outbox import OutboxMessage

__all__ = [
    "Application",
    "ApplicationTask",
    "Commitment",
    "DeadLetter",
    "IdempotencyRecord",
    "MaterialFile",
    "OutboxMessage",
    "ProcessedMessage",
    "TimelineEntry",
]
