"""Chart links: every posted chart gets a link on the bot's own host that unfurls as a Work Object.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chart_links",
        sa.Column("token", sa.String(32), primary_key=True),
        sa.Column("workspace", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("message_ts", sa.String(32), nullable=True),
        sa.Column("file_id", sa.String(32), nullable=True),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_chart_links_posted_at", "chart_links", ["posted_at"])
    op.create_index("ix_chart_links_message", "chart_links", ["channel_id", "message_ts"])


def downgrade() -> None:
    op.drop_index("ix_chart_links_message", table_name="chart_links")
    op.drop_index("ix_chart_links_posted_at", table_name="chart_links")
    op.drop_table("chart_links")
