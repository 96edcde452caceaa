"""SCP accounts per workspace (the secret key stored only sealed with SECRETS_KEYS) and each channel's default
account (bot/store/accounts.py).

Revision ID: 0011
Revises: 0013
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0013"  # 0013 (workspaces) was merged first; 0010 comes from another branch
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scp_accounts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("access_key", sa.String(200), nullable=False),
        sa.Column("secret_key", sa.Text(), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("environment", sa.String(8), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("added_by", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("workspace", "name", name="uq_scp_accounts_workspace_name"),
    )
    op.create_table(
        "channel_accounts",
        sa.Column("workspace", sa.String(64), primary_key=True),
        sa.Column("channel_id", sa.String(32), primary_key=True),
        sa.Column("account", sa.String(40), nullable=False),
        sa.Column("set_by", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("channel_accounts")
    op.drop_table("scp_accounts")
