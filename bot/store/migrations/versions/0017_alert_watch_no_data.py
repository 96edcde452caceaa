"""Alert watches may ask to be told when an alert has no data (`INSUFFICIENT_DATA`); every existing watch does not.

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("alert_watches", sa.Column("no_data", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("alert_watches") as batch:
        batch.drop_column("no_data")
