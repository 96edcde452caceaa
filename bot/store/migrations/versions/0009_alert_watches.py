"""Channels watch ServiceWatch alert policies: the watches and their alerts, what each channel has been told of each
alert (its incidents), and the state changes to announce, each exactly once (bot/store/alerts.py).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_watches",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("owner_id", sa.String(32), nullable=False),
        sa.Column("level", sa.String(16), nullable=True),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_alert_watches_channel_id", "alert_watches", ["channel_id"])
    op.create_table(
        "alert_watch_items",
        sa.Column("watch_id", sa.Integer(), sa.ForeignKey("alert_watches.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("alert_id", sa.String(128), primary_key=True),
        sa.Column("alert_name", sa.String(200), nullable=False),
    )
    op.create_index("ix_alert_watch_items_alert_id", "alert_watch_items", ["alert_id"])
    op.create_table(
        "alert_incidents",
        sa.Column("channel_id", sa.String(32), primary_key=True),
        sa.Column("alert_id", sa.String(128), primary_key=True),
        sa.Column("state", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("message_ts", sa.String(32), nullable=True),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "alert_changes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("alert_id", sa.String(128), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(64), nullable=False),
        sa.Column("to_state", sa.String(64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("holder", sa.String(64), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("channel_id", "alert_id", "seq"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_alert_changes_seen_at", "alert_changes", ["seen_at"])
    op.create_index("ix_alert_changes_done_at", "alert_changes", ["done_at"])


def downgrade() -> None:
    op.drop_index("ix_alert_changes_done_at", table_name="alert_changes")
    op.drop_index("ix_alert_changes_seen_at", table_name="alert_changes")
    op.drop_table("alert_changes")
    op.drop_table("alert_incidents")
    op.drop_index("ix_alert_watch_items_alert_id", table_name="alert_watch_items")
    op.drop_table("alert_watch_items")
    op.drop_index("ix_alert_watches_channel_id", table_name="alert_watches")
    op.drop_table("alert_watches")
