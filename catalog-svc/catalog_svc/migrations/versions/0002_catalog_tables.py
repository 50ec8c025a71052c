"""catalog tables: departments, materials, form sections and fields, bundles and their versions

Revision ID: catalog_0002
Revises: catalog_0001
"""

import sqlalchemy as sa
from alembic import op

from onevisit.db import UTCDateTime

revision = "catalog_0002"
down_revision = "catalog_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "departments",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("region", sa.String(12), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=True),
        sa.Column("phone", sa.String(64), nullable=True),
        sa.Column("address", sa.String(300), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_departments"),
    )
    op.create_table(
        "materials",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("issuer", sa.String(200), nullable=True),
        sa.Column("form", sa.String(32), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sample_url", sa.String(500), nullable=True),
        sa.Column("blank_form_url", sa.String(500), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_materials"),
    )
    op.create_table(
        "form_sections",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_form_sections"),
    )
    op.create_table(
        "form_fields",
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("validator", sa.String(32), nullable=False),
        sa.Column("enum_values", sa.JSON(), nullable=False),
        sa.Column("personal_data", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_form_fields"),
    )
    op.create_table(
        "bundles",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("draft_updated_at", UTCDateTime(), nullable=False),
        sa.Column("draft_updated_by", sa.String(200), nullable=True),
        sa.Column("current_version", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("audience", sa.String(16), nullable=True),
        sa.Column("category", sa.String(64), nullable=True),
        sa.Column("region", sa.String(12), nullable=True),
        sa.Column("item_count", sa.Integer(), nullable=True),
        sa.Column("promised_days", sa.Integer(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("code", name="pk_bundles"),
    )
    op.create_index("ix_bundles_audience", "bundles", ["audience"])
    op.create_index("ix_bundles_category", "bundles", ["category"])
    op.create_table(
        "bundle_versions",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.Column("published_by", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("code", "version", name="pk_bundle_versions"),
        sa.ForeignKeyConstraint(["code"], ["bundles.code"], name="fk_bundle_versions_code_bundles"),
    )


def downgrade() -> None:
    for table in ("bundle_versions", "bundles", "form_fields", "form_sections", "materials", "departments"):
        op.drop_table(table)
