"""Every table of notify-svc, imported for alembic; features keep their models in their folders."""

from notify_svc.deliveries.models import Delivery
from notify_svc.licences.models import Licence
from notify_svc.notifications.models import Notification
from notify_svc.ratings.models import Rating
from notify_svc.tickets.models import RoutingRule, Ticket
from onevisit.consumer import DeadLetter, ProcessedMessage
from onevisit.idempotency import IdempotencyRecord
from onevisit.outbox import OutboxMessage

__all__ = [
    "DeadLetter",
    "Delivery",
    "IdempotencyRecord",
    "Licence",
    "Notification",
    "OutboxMessage",
    "ProcessedMessage",
    "Rating",
    "RoutingRule",
    "Ticket",
]
