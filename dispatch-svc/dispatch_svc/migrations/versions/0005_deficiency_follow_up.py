"""applications say when their deficiencies (容缺) next need the scanner: a reminder or a lapse

Revision ID: dispatch_0005
Revises: dispatch_0004
"""

from datetime import datetime

import sqlalchemy as sa
from alembic import op

from onevisit.db import UTCDateTime

revision = "dispatch_0005"
down_revision = "dispatch_0004"
branch_labels = None
depends_on = None

_ACTIVE = ("in_progress", "correction_requested")


def upgrade() -> None:
    with op.batch_alter_table("dispatch_applications") as batch:
        batch.add_column(sa.Column("deficiency_due_at", UTCDateTime(), nullable=True))
    op.create_index("ix_dispatch_applications_deficiency_due_at", "dispatch_applications", ["deficiency_due_at"])
    _backfill()


def _backfill() -> None:
    """Applications already waiting for a material lapse at its `supplement_by` (they were
    accepted before reminders existed, so none is reminded)."""
    applications = sa.table(
        "dispatch_applications",
        sa.column("id", sa.Uuid()),
        sa.column("status", sa.String()),
        sa.column("deficiencies", sa.JSON()),
        sa.column("deficiency_due_at", UTCDateTime()),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(applications.c.id, applications.c.deficiencies).where(applications.c.status.in_(_ACTIVE))
    ).all()
    for application_id, deficiencies in rows:
        still_missing = [d for d in deficiencies or [] if not d.get("supplied_at")]
        open_until = [datetime.fromisoformat(d["supplement_by"]) for d in still_missing]
        if open_until:
            bind.execute(
                applications.update()
                .where(applications.c.id == application_id)
                .values(deficiency_due_at=min(open_until))
            )


def downgrade() -> None:
    op.drop_index("ix_dispatch_applications_deficiency_due_at", "dispatch_applications")
    with op.batch_alter_table("dispatch_applications") as batch:
        batch.drop_column("deficiency_due_at")
