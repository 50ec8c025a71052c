"""deliveries, notifications, licences

Revision ID: notify_0002
Revises: notify_0001
"""

import sqlalchemy as sa
from alembic import op

from onevisit.db import UTCDateTime

revision = "notify_0002"
down_revision = "notify_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("bundle_code", sa.String(64), nullable=True),
        sa.Column("owner_subject", sa.String(64), nullable=False),
        sa.Column("owner_name", sa.String(100), nullable=True),
        sa.Column("owner_phone", sa.String(32), nullable=True),
        sa.Column("owner_kind", sa.String(16), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("pickup_code", sa.String(16), nullable=True),
        sa.Column("hall", sa.String(200), nullable=True),
        sa.Column("address", sa.JSON(), nullable=True),
        sa.Column("courier", sa.String(32), nullable=True),
        sa.Column("tracking_number", sa.String(64), nullable=True),
        sa.Column("tracking", sa.JSON(), nullable=False),
        sa.Column("picked_up_by", sa.String(64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("ready_at", UTCDateTime(), nullable=True),
        sa.Column("dispatched_at", UTCDateTime(), nullable=True),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("application_id", name="uq_deliveries_application_id"),
    )
    op.create_index("ix_deliveries_owner_subject", "deliveries", ["owner_subject"])
    op.create_index("ix_deliveries_status", "deliveries", ["status"])
    op.create_index("ix_deliveries_tracking_number", "deliveries", ["tracking_number"])

    op.create_table(
        "notifications",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("step", sa.String(100), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("ticket_id", sa.Uuid(), nullable=True),
        sa.Column("recipient_subject", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("to", sa.String(64), nullable=True),
        sa.Column("template_code", sa.String(64), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("provider", sa.String(32), nullable=True),
        sa.Column("provider_reference", sa.String(100), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.Column("read_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("reference", "channel", name="uq_notifications_reference_channel"),
    )
    op.create_index("ix_notifications_application_id", "notifications", ["application_id"])
    op.create_index("ix_notifications_due", "notifications", ["status", "next_attempt_at"])
    op.create_index("ix_notifications_inbox", "notifications", ["recipient_subject", "channel", "created_at"])

    op.create_table(
        "licences",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("identifier", sa.String(255), nullable=False),
        sa.Column("type_name", sa.String(100), nullable=False),
        sa.Column("type_code", sa.String(64), nullable=False),
        sa.Column("number", sa.String(100), nullable=False),
        sa.Column("issuer_name", sa.String(200), nullable=False),
        sa.Column("issuer_code", sa.String(32), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("holder_name", sa.String(200), nullable=True),
        sa.Column("holder_code", sa.String(64), nullable=False),
        sa.Column("holder_code_type", sa.String(32), nullable=False),
        sa.Column("holder_hash", sa.String(64), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("jurisdiction", sa.String(12), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("file_url", sa.String(500), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("task_id", sa.Uuid(), nullable=True),
        sa.Column("item_code", sa.String(64), nullable=True),
        sa.Column("department_code", sa.String(32), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("identifier", name="uq_licences_identifier"),
        sa.UniqueConstraint("number", name="uq_licences_number"),
    )
    op.create_index("ix_licences_holder_code", "licences", ["holder_code"])
    op.create_index("ix_licences_holder_hash", "licences", ["holder_hash"])
    op.create_index("ix_licences_application_id", "licences", ["application_id"])


def downgrade() -> None:
    op.drop_table("licences")
    op.drop_table("notifications")
    op.drop_table("deliveries")
