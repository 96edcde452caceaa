"""Finished schedule runs are pruned by age (bot/store/retention.py): an index to find the oldest quickly.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_schedule_runs_finished_at", "schedule_runs", ["finished_at"])


def downgrade() -> None:
    op.drop_index("ix_schedule_runs_finished_at", table_name="schedule_runs")
