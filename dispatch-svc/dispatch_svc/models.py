"""Every table of dispatch-svc, imported for alembic; features keep their models in their folders."""

from dispatch_svc.departments.models import DepartmentWebhook, WebhookDelivery
from dispatch_svc.tasks.models import DispatchApplication, Task, TaskEvent
from onevisit.consumer import DeadLetter, ProcessedMessage
from onevisit.idempotency import IdempotencyRecord
from onevisit.outbox import OutboxMessage

__all__ = [
    "DeadLetter",
    "DepartmentWebhook",
    "DispatchApplication",
    "IdempotencyRecord",
    "OutboxMessage",
    "ProcessedMessage",
    "Task",
    "TaskEvent",
    "WebhookDelivery",
]
