"""applications, their tasks and timeline, material files and commitments

Revision ID: intake_0002
Revises: intake_0001
"""

import sqlalchemy as sa
from alembic import op

from onevisit.db import UTCDateTime

revision = "intake_0002"
down_revision = "intake_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("bundle_code", sa.String(50), nullable=False),
        sa.Column("bundle_name", sa.String(200), nullable=True),
        sa.Column("catalog_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("applicant_subject", sa.String(64), nullable=False),
        sa.Column("applicant_name", sa.String(100), nullable=True),
        sa.Column("applicant_phone", sa.String(32), nullable=True),
        sa.Column("applicant_kind", sa.String(10), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_by_role", sa.String(20), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("requested_items", sa.JSON(), nullable=True),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("promised_days", sa.Integer(), nullable=True),
        sa.Column("form_data", sa.JSON(), nullable=False),
        sa.Column("prefill_sources", sa.JSON(), nullable=False),
        sa.Column("deficiencies", sa.JSON(), nullable=False),
        sa.Column("corrections", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.Column("supplemented_at", UTCDateTime(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_applications_status", "applications", ["status"])
    op.create_index("ix_applications_applicant_subject", "applications", ["applicant_subject"])
    op.create_index("ix_applications_created_by", "applications", ["created_by"])
    op.create_index("ix_applications_created_at", "applications", ["created_at"])

    op.create_table(
        "application_tasks",
        sa.Column(
            "application_id",
            sa.Uuid(),
            sa.ForeignKey(
                "applications.id", ondelete="CASCADE", name="fk_application_tasks_application_id_applications"
            ),
            primary_key=True,
        ),
        sa.Column("item_code", sa.String(50), primary_key=True),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("department_code", sa.String(50), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("outputs", sa.JSON(), nullable=False),
        sa.Column("licence", sa.JSON(), nullable=True),
        sa.Column("deadline", UTCDateTime(), nullable=True),
        sa.Column("event_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )

    op.create_table(
        "application_timeline",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "application_id",
            sa.Uuid(),
            sa.ForeignKey(
                "applications.id", ondelete="CASCADE", name="fk_application_timeline_application_id_applications"
            ),
            nullable=False,
        ),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("event", sa.String(60), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_application_timeline_application_id", "application_timeline", ["application_id"])

    op.create_table(
        "application_materials",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "application_id",
            sa.Uuid(),
            sa.ForeignKey(
                "applications.id", ondelete="CASCADE", name="fk_application_materials_application_id_applications"
            ),
            nullable=False,
        ),
        sa.Column("material_code", sa.String(50), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_key", sa.String(300), nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.Column("superseded", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_application_materials_application_id", "application_materials", ["application_id"])

    op.create_table(
        "application_commitments",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "application_id",
            sa.Uuid(),
            sa.ForeignKey(
                "applications.id", ondelete="CASCADE", name="fk_application_commitments_application_id_applications"
            ),
            nullable=False,
        ),
        sa.Column("material_code", sa.String(50), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("signed_by", sa.String(64), nullable=False),
        sa.Column("signed_name", sa.String(100), nullable=True),
        sa.Column("signed_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("application_id", "material_code", name="uq_application_commitments_application_id"),
    )
    op.create_index("ix_application_commitments_application_id", "application_commitments", ["application_id"])


def downgrade() -> None:
    for table in (
        "application_commitments",
        "application_materials",
        "application_timeline",
        "application_tasks",
        "applications",
    ):
        op.drop_table(table)
