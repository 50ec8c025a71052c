"""platform tables: outbox, processed messages, dead letters, idempotency records

Revision ID: notify_0001
Revises:
"""

from alembic import op

from onevisit.migrations import create_platform_tables

revision = "notify_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables()


def downgrade() -> None:
    for table in ("idempotency_records", "dead_letters", "processed_messages", "outbox_messages"):
        op.drop_table(table)
