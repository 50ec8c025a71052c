"""department webhooks and their deliveries

Revision ID: dispatch_0003
Revises: dispatch_0002
"""

import sqlalchemy as sa
from alembic import op

from onevisit.db import UTCDateTime

revision = "dispatch_0003"
down_revision = "dispatch_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dispatch_webhooks",
        sa.Column("department_code", sa.String(100), primary_key=True),
        sa.Column("url", sa.String(1000), nullable=False),
        sa.Column("secret", sa.String(200), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "dispatch_webhook_deliveries",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("attempt_of_task", sa.Integer(), nullable=False),
        sa.Column("department_code", sa.String(100), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    for column in ("task_id", "department_code", "status", "next_attempt_at"):
        op.create_index(f"ix_dispatch_webhook_deliveries_{column}", "dispatch_webhook_deliveries", [column])


def downgrade() -> None:
    op.drop_table("dispatch_webhook_deliveries")
    op.drop_table("dispatch_webhooks")
