"""Pending requests carry a lease their process renews, so a request waiting its turn (a slow ServiceWatch, Slack's
upload limit) is not mistaken for one whose process died.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("pending_requests", sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pending_requests") as batch:
        batch.drop_column("lease_until")
