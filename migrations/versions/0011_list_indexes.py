"""indexes for lists of a million rows: pages in order, searches by the start of a key

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 05:00:00

A page at any depth is read from an index holding the list's order and the id; the list
search ranges over the start of an indexed lookup key.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

INDEXES: list[tuple[str, str, list[str | sa.TextClause]]] = [
    ("ix_member_listing", "member", ["last_name", "first_name", "id"]),
    ("ix_client_listing", "client", ["legal_name", "id"]),
    ("ix_appointment_listing", "appointment", ["starts_at", "id"]),
    ("ix_audit_event_listing", "audit_event", ["seq", "id"]),
    # SQLite reads an id-ordered list from these, not from the table's rows.
    ("ix_login_account_id_order", "login_account", ["id"]),
    ("ix_ticket_id_order", "ticket", ["id"]),
    ("ix_client_email_nocase", "client", [sa.text("lower(email)")]),
    ("ix_ticket_requester_email_nocase", "ticket", [sa.text("lower(requester_email)")]),
    ("ix_ticket_requester_name_nocase", "ticket", [sa.text("lower(requester_name)")]),
    ("ix_appointment_prospect_nocase", "appointment", [sa.text("lower(prospect)")]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
