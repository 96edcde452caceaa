"""Each workspace's upload bucket, shared by the replicas on PostgreSQL (bot/store/pace.py): Slack's upload limit is
per workspace, not per process. Times are seconds since the epoch, by the database's clock.

Revision ID: 0015
Revises: 0016
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0016"  # 0016 (alert watch accounts) landed first; 0014 (installations) is chained after
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "upload_pace",
        sa.Column("workspace", sa.String(64), primary_key=True),
        sa.Column("tokens", sa.Double(), nullable=False),
        sa.Column("filled_at", sa.Double(), nullable=False),
        sa.Column("held_until", sa.Double(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("upload_pace")
