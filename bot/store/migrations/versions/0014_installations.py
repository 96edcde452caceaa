"""The Slack app installed by OAuth: one installation per workspace (or Enterprise Grid org), its tokens sealed with
SECRETS_KEYS (bot/store/installations.py), and the OAuth states /slack/install hands out.

Revision ID: 0014
Revises: 0015
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0015"  # after the upload pace (0015), which landed first
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slack_installations",
        sa.Column("workspace", sa.String(64), primary_key=True),
        sa.Column("enterprise_id", sa.String(32)),
        sa.Column("enterprise_name", sa.String(200)),
        sa.Column("enterprise_url", sa.String(300)),
        sa.Column("team_id", sa.String(32)),
        sa.Column("team_name", sa.String(200)),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("app_id", sa.String(32)),
        sa.Column("bot_id", sa.String(32)),
        sa.Column("bot_user_id", sa.String(32)),
        sa.Column("bot_scopes", sa.Text(), nullable=False, server_default=""),
        sa.Column("bot_token", sa.Text()),
        sa.Column("bot_refresh_token", sa.Text()),
        sa.Column("bot_token_expires_at", sa.Integer()),
        sa.Column("user_id", sa.String(32)),
        sa.Column("user_scopes", sa.Text(), nullable=False, server_default=""),
        sa.Column("user_token", sa.Text()),
        sa.Column("user_refresh_token", sa.Text()),
        sa.Column("user_token_expires_at", sa.Integer()),
        sa.Column("token_type", sa.String(16)),
        sa.Column("installed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "slack_oauth_states",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_slack_oauth_states_expires_at", "slack_oauth_states", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_slack_oauth_states_expires_at", table_name="slack_oauth_states")
    op.drop_table("slack_oauth_states")
    op.drop_table("slack_installations")
