"""The hotline routes to the catalog's department codes

The first routing catalogue named departments by pinyin abbreviations (WJW, GA, …) while the
catalog, dispatch and the department logins use the catalog's codes (health, public_security, …):
a clerk of `health` never saw a ticket routed to `WJW`. Rules and tickets move to the catalog's
codes.

Revision ID: notify_0004
Revises: notify_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "notify_0004"
down_revision = "notify_0003"
branch_labels = None
depends_on = None

CATALOG_CODES = {
    "WJW": "health",
    "GA": "public_security",
    "RSJ": "hrss",
    "YBJ": "medical_insurance",
    "SCJG": "market_regulation",
    "SWJ": "tax",
    "GJJ": "housing_fund",
    "MZJ": "civil_affairs",
    "CL": "disabled_federation",
    "JYJ": "education",
    "SW": "water_supply",
    "GD": "power_grid",
    "RQ": "gas_supply",
    "FGW": "development_reform",
    "JTJ": "transport",
}

routing_rules = sa.table("routing_rules", sa.column("department", sa.String()))
tickets = sa.table(
    "tickets", sa.column("id", sa.Uuid()), sa.column("department", sa.String()), sa.column("assisting", sa.JSON())
)


def upgrade() -> None:
    _rename(CATALOG_CODES)


def downgrade() -> None:
    _rename({new: old for old, new in CATALOG_CODES.items()})


def _rename(codes: dict[str, str]) -> None:
    for old, new in codes.items():
        op.execute(routing_rules.update().where(routing_rules.c.department == old).values(department=new))
        op.execute(tickets.update().where(tickets.c.department == old).values(department=new))
    connection = op.get_bind()
    for ticket_id, assisting in connection.execute(sa.select(tickets.c.id, tickets.c.assisting)).all():
        renamed = [codes.get(code, code) for code in assisting or []]
        if renamed != (assisting or []):
            connection.execute(tickets.update().where(tickets.c.id == ticket_id).values(assisting=renamed))
