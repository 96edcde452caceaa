"""A request that changes something notes it in the same transaction as the change, so a takeover after a crash
does not make the change twice; a noted request remembers the channel it was asked from (None: a shortcut or
App Home), so a takeover checks the same rules.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "request_effects",
        sa.Column("request_key", sa.String(100), primary_key=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_request_effects_done_at", "request_effects", ["done_at"])
    op.add_column("pending_requests", sa.Column("asked_from", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pending_requests") as batch:
        batch.drop_column("asked_from")
    op.drop_index("ix_request_effects_done_at", table_name="request_effects")
    op.drop_table("request_effects")
