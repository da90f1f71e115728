"""outbox messages that carry a secret: what it is, and the text an operator may read

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 01:45:00

Messages queued before this revision carry their links and codes in `body`: each is
marked by the action that queued it, its masked text is computed, and the body of what
was already sent or given up is replaced by that masked text.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

HIDDEN = "********"
LINK = re.compile(r"()\S*(?:/reset/|/account/(?:activation|reset)/|/access/join/)\S+")
KINDS = {
    "member.resend_password": ("member_reset", LINK),
    "login_account.resend_activation": ("account_activation", LINK),
    "login_account.generate": ("account_activation", LINK),
    "member.register": ("account_activation", LINK),
    "company.register": ("account_activation", LINK),
    "company.create_user": ("account_activation", LINK),
    "login_account.reset_secret": ("account_reset", LINK),
    "login_account.send_phone_code": ("phone_code", re.compile(r"()\b\d{6}\b")),
    "company.send_access_code": ("access_code", re.compile(r"()\b[A-Z2-9]{10}\b")),
    "access_request.join": ("decision_links", LINK),
}

outbox = sa.table(
    "outbox_message",
    sa.column("id", sa.Integer),
    sa.column("body", sa.Text),
    sa.column("status", sa.String),
    sa.column("caused_by", sa.String),
    sa.column("secret", sa.String),
    sa.column("masked_body", sa.Text),
)


def upgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("secret", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("masked_body", sa.Text(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(outbox.c.id, outbox.c.body, outbox.c.status, outbox.c.caused_by).where(
            outbox.c.caused_by.in_(list(KINDS))
        )
    ).all()
    for row in rows:
        kind, pattern = KINDS[row.caused_by]
        masked = pattern.sub(lambda m: m.group(1) + HIDDEN, row.body)
        delivered = row.status in ("sent", "failed")
        connection.execute(
            sa.update(outbox)
            .where(outbox.c.id == row.id)
            .values(secret=kind, masked_body=masked, body=masked if delivered else row.body)
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("masked_body")
        batch_op.drop_column("secret")
