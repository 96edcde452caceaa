"""Alert watches remember the SCP account their alerts are read with (bot/accounts.py; "" for the keys of the
environment or the sandbox, which every existing watch keeps).

Revision ID: 0016
Revises: 0011
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("alert_watches", sa.Column("account", sa.String(40), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("alert_watches") as batch:
        batch.drop_column("account")
