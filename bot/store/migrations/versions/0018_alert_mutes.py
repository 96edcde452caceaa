"""A channel may mute an alert's announcements for a while (the *Mute here* buttons): until `muted_until`, its
firings are not announced there; the watch stays.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("alert_incidents", sa.Column("muted_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alert_incidents") as batch:
        batch.drop_column("muted_until")
