"""Clicks on a posted chart's controls are numbered per message across replicas, so the last click's redraw is the
one shown (bot/store/clicks.py).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chart_clicks",
        sa.Column("channel_id", sa.String(32), primary_key=True),
        sa.Column("message_ts", sa.String(32), primary_key=True),
        sa.Column("latest", sa.Integer(), nullable=False),
        sa.Column("clicked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_chart_clicks_clicked_at", "chart_clicks", ["clicked_at"])


def downgrade() -> None:
    op.drop_index("ix_chart_clicks_clicked_at", table_name="chart_clicks")
    op.drop_table("chart_clicks")
