"""Every table of catalog-svc, imported for alembic; features keep their models in their folders."""

from catalog_svc.bundles.models import Bundle, BundleVersion
from catalog_svc.dictionaries.models import Department, FormField, FormSection, Material
from onevisit.consumer import DeadLetter, ProcessedMessage
from onevisit.idempotency import IdempotencyRecord
from onevisit.outbox import OutboxMessage

__all__ = [
    "Bundle",
    "BundleVersion",
    "DeadLetter",
    "Department",
    "FormField",
    "FormSection",
    "IdempotencyRecord",
    "Material",
    "OutboxMessage",
    "ProcessedMessage",
]
