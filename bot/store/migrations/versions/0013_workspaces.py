"""Many Slack workspaces: schedules, alert watches and noted requests remember the workspace whose token posts them
(bot/slack/workspaces.py: a team id, or the enterprise id of an org-wide install; "" for the single-workspace setup,
which every existing row keeps).

Revision ID: 0013
Revises: 0009
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0009"
branch_labels = None
depends_on = None

TABLES = ("schedules", "alert_watches", "pending_requests")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("workspace", sa.String(64), nullable=False, server_default=""))
    op.create_index("ix_schedules_workspace", "schedules", ["workspace"])


def downgrade() -> None:
    op.drop_index("ix_schedules_workspace", table_name="schedules")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("workspace")
