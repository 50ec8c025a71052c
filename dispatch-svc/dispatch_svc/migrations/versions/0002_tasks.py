"""applications, tasks and task events

Revision ID: dispatch_0002
Revises: dispatch_0001
"""

import sqlalchemy as sa
from alembic import op

from onevisit.db import UTCDateTime

revision = "dispatch_0002"
down_revision = "dispatch_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dispatch_applications",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("bundle_code", sa.String(100), nullable=False),
        sa.Column("catalog_version", sa.Integer(), nullable=False),
        sa.Column("applicant", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("form_data", sa.JSON(), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("wave", sa.Integer(), nullable=False),
        sa.Column("trace", sa.String(100), nullable=True),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_dispatch_applications_status", "dispatch_applications", ["status"])
    op.create_table(
        "dispatch_tasks",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "application_id",
            sa.Uuid(),
            sa.ForeignKey("dispatch_applications.id", name="fk_dispatch_tasks_application_id_dispatch_applications"),
            nullable=False,
        ),
        sa.Column("item_code", sa.String(100), nullable=False),
        sa.Column("item_name", sa.String(200), nullable=True),
        sa.Column("department_code", sa.String(100), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("depends_on", sa.JSON(), nullable=False),
        sa.Column("upstream_results", sa.JSON(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("material_codes", sa.JSON(), nullable=False),
        sa.Column("result_outputs", sa.JSON(), nullable=False),
        sa.Column("upstream_inputs", sa.JSON(), nullable=False),
        sa.Column("instant_decision", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("corrections", sa.JSON(), nullable=False),
        sa.Column("outputs", sa.JSON(), nullable=False),
        sa.Column("licence", sa.JSON(), nullable=True),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(100), nullable=True),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("legal_limit", sa.JSON(), nullable=True),
        sa.Column("promised_limit", sa.JSON(), nullable=True),
        sa.Column("legal_deadline", UTCDateTime(), nullable=True),
        sa.Column("promised_deadline", UTCDateTime(), nullable=True),
        sa.Column("deadline_provisional", sa.Boolean(), nullable=False),
        sa.Column("clock_started_at", UTCDateTime(), nullable=True),
        sa.Column("paused_intervals", sa.JSON(), nullable=False),
        sa.Column("warning_level", sa.String(10), nullable=False),
        sa.Column("dispatched_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("application_id", "item_code", name="uq_dispatch_tasks_application_id"),
    )
    op.create_index("ix_dispatch_tasks_application_id", "dispatch_tasks", ["application_id"])
    op.create_index("ix_dispatch_tasks_department_code", "dispatch_tasks", ["department_code"])
    op.create_index("ix_dispatch_tasks_status", "dispatch_tasks", ["status"])
    op.create_table(
        "dispatch_task_events",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "task_id",
            sa.Uuid(),
            sa.ForeignKey("dispatch_tasks.id", name="fk_dispatch_task_events_task_id_dispatch_tasks"),
            nullable=False,
        ),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("from_status", sa.String(30), nullable=True),
        sa.Column("to_status", sa.String(30), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_dispatch_task_events_task_id", "dispatch_task_events", ["task_id"])
    op.create_index("ix_dispatch_task_events_application_id", "dispatch_task_events", ["application_id"])


def downgrade() -> None:
    op.drop_table("dispatch_task_events")
    op.drop_table("dispatch_tasks")
    op.drop_table("dispatch_applications")
