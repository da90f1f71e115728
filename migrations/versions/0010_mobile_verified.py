"""when a member's mobile number was certified with a phone code

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 02:00:00

A number certified for one person is refused when another person registers with it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("mobile_verified_at", models.base.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    # SQLite copies the table to drop a column and cannot copy an index on an expression.
    op.drop_index("ix_member_email_nocase", table_name="member")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_column("mobile_verified_at")
    op.create_index("ix_member_email_nocase", "member", [sa.text("lower(email)")])
