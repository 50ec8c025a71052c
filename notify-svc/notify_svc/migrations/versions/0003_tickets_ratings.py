"""12345 tickets, the keyword routing catalogue, ratings; departments of a delivery

Revision ID: notify_0003
Revises: notify_0002
"""

import uuid

import sqlalchemy as sa
from alembic import op

from onevisit.db import UTCDateTime

revision = "notify_0003"
down_revision = "notify_0002"
branch_labels = None
depends_on = None

# The starting routing catalogue (keyword → department code of the built-in catalog); operators
# edit the table afterwards. The first matching keyword by priority wins.
DEFAULT_RULES = [
    ("出生", "WJW"),
    ("出生医学证明", "WJW"),
    ("疫苗", "WJW"),
    ("户口", "GA"),
    ("身份证", "GA"),
    ("落户", "GA"),
    ("社保", "RSJ"),
    ("养老", "RSJ"),
    ("退休", "RSJ"),
    ("就业", "RSJ"),
    ("医保", "YBJ"),
    ("报销", "YBJ"),
    ("营业执照", "SCJG"),
    ("注销", "SCJG"),
    ("食品", "SCJG"),
    ("餐饮", "SCJG"),
    ("税", "SWJ"),
    ("发票", "SWJ"),
    ("公积金", "GJJ"),
    ("殡葬", "MZJ"),
    ("残疾", "CL"),
    ("低保", "MZJ"),
    ("入学", "JYJ"),
    ("学校", "JYJ"),
    ("用水", "SW"),
    ("供电", "GD"),
    ("燃气", "RQ"),
    ("信用", "FGW"),
    ("道路运输", "JTJ"),
]


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("departments", sa.JSON(), nullable=False, server_default="[]"))

    op.create_table(
        "tickets",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("submitter_subject", sa.String(64), nullable=False),
        sa.Column("contact", sa.JSON(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("bundle_code", sa.String(64), nullable=True),
        sa.Column("region", sa.String(12), nullable=False),
        sa.Column("department", sa.String(32), nullable=False),
        sa.Column("assisting", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("due_estimated", sa.Boolean(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("replied_by", sa.String(64), nullable=True),
        sa.Column("replied_at", UTCDateTime(), nullable=True),
        sa.Column("replied_on_time", sa.Boolean(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("reopened", sa.Integer(), nullable=False),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("escalated_at", UTCDateTime(), nullable=True),
        sa.Column("merged_into", sa.Uuid(), nullable=True),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("instant_answer", sa.JSON(), nullable=True),
        sa.Column("return_visit", sa.JSON(), nullable=True),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("service_code", sa.String(32), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("long", sa.Float(), nullable=True),
        sa.Column("address", sa.String(300), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_tickets_status_due_at", "tickets", ["status", "due_at"])
    op.create_index("ix_tickets_submitter_subject", "tickets", ["submitter_subject"])
    op.create_index("ix_tickets_department", "tickets", ["department"])
    op.create_index("ix_tickets_created_at", "tickets", ["created_at"])

    rules = op.create_table(
        "routing_rules",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("keyword", sa.String(50), nullable=False),
        sa.Column("department", sa.String(32), nullable=False),
        sa.Column("region", sa.String(12), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
    )
    op.bulk_insert(
        rules,
        [
            # Longer keywords first: "出生医学证明" is more specific than "出生".
            {"id": uuid.uuid4(), "keyword": k, "department": d, "region": None, "priority": 100 - len(k)}
            for k, d in DEFAULT_RULES
        ],
    )

    op.create_table(
        "ratings",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("target_type", sa.String(16), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("rater_subject", sa.String(64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("departments", sa.JSON(), nullable=False),
        sa.Column("bundle_code", sa.String(64), nullable=True),
        sa.Column("follow_up_status", sa.String(16), nullable=True),
        sa.Column("follow_up_due_at", UTCDateTime(), nullable=True),
        sa.Column("follow_up_answer", sa.Text(), nullable=True),
        sa.Column("follow_up_by", sa.String(64), nullable=True),
        sa.Column("follow_up_answered_at", UTCDateTime(), nullable=True),
        sa.Column("second_level", sa.Integer(), nullable=True),
        sa.Column("second_comment", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("target_type", "target_id", name="uq_ratings_target_type"),
    )
    op.create_index("ix_ratings_rater_subject", "ratings", ["rater_subject"])
    op.create_index("ix_ratings_follow_up_status", "ratings", ["follow_up_status"])


def downgrade() -> None:
    op.drop_table("ratings")
    op.drop_table("routing_rules")
    op.drop_table("tickets")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("departments")
