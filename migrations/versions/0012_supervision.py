"""supervision: indexes for the trail's filters and a record's history, reviews, anchors

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 22:25:00

The trail filtered by operator, action, outcome or record is read latest first from an
index holding the filter and the sequence. A supervisor's review of a risky event, and the
chain heads written down outside the trail, get tables of their own; an operator gets an
e-mail address (the anchors are mailed to the supervisors).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_audit_event_record", ["entity_type", "entity_id", "seq"]),
    ("ix_audit_event_by_operator", ["operator_username", "seq"]),
    ("ix_audit_event_by_operator_action", ["operator_username", "action", "seq"]),
    ("ix_audit_event_by_action", ["action", "seq"]),
    ("ix_audit_event_by_outcome", ["outcome", "seq"]),
]


def upgrade() -> None:
    with op.batch_alter_table("operator", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
    op.create_table(
        "audit_anchor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", models.base.UTCDateTime(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_anchor")),
    )
    op.create_index(op.f("ix_audit_anchor_at"), "audit_anchor", ["at"])
    op.create_index(op.f("ix_audit_anchor_seq"), "audit_anchor", ["seq"])
    op.create_table(
        "audit_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_username", sa.String(length=64), nullable=False),
        sa.Column("at", models.base.UTCDateTime(), nullable=False),
        sa.Column("wrong", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["audit_event.id"], name=op.f("fk_audit_review_event_id_audit_event")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["operator.id"], name=op.f("fk_audit_review_reviewer_id_operator")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_review")),
        sa.UniqueConstraint("event_id", name=op.f("uq_audit_review_event_id")),
    )
    op.create_index(op.f("ix_audit_review_at"), "audit_review", ["at"])
    # Plain CREATE INDEX: the trail's table is never copied (its append-only triggers stay).
    for name, columns in INDEXES:
        op.create_index(name, "audit_event", columns)


def downgrade() -> None:
    for name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name="audit_event")
    op.drop_index(op.f("ix_audit_review_at"), table_name="audit_review")
    op.drop_table("audit_review")
    op.drop_index(op.f("ix_audit_anchor_seq"), table_name="audit_anchor")
    op.drop_index(op.f("ix_audit_anchor_at"), table_name="audit_anchor")
    op.drop_table("audit_anchor")
    with op.batch_alter_table("operator", schema=None) as batch_op:
        batch_op.drop_column("email")
