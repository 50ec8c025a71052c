"""applications keep their deficiencies (容缺), so tasks wait for the materials with their clocks paused

Revision ID: dispatch_0004
Revises: dispatch_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "dispatch_0004"
down_revision = "dispatch_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Applications accepted before this revision had no deficiencies dispatch knew of.
    with op.batch_alter_table("dispatch_applications") as batch:
        batch.add_column(sa.Column("deficiencies", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table("dispatch_applications") as batch:
        batch.drop_column("deficiencies")
