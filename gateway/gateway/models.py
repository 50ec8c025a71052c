"""Every table of gateway, imported for alembic; features keep their models in their folders."""

from gateway.audit.models import AuditEntry
from gateway.auth.models import RefreshToken, RevokedAccessToken
from gateway.clients.models import ApiClient, ApiKey, UsedNonce
from onevisit.consumer import DeadLetter, ProcessedMessage
from onevisit.idempotency import IdempotencyRecord
from onevisit.outbox import OutboxMessage

__all__ = [
    "ApiClient",
    "ApiKey",
    "AuditEntry",
    "DeadLetter",
    "IdempotencyRecord",
    "OutboxMessage",
    "ProcessedMessage",
    "RefreshToken",
    "RevokedAccessToken",
    "UsedNonce",
]
