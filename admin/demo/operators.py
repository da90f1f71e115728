"""The demo's operators, one for each role, and the actor the demo data is recorded as."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.context import Actor
from actions.operator_email import set_email
from actions.operators import create_operator
from models import Operator, Role

ACTOR = Actor.system("demo-data")
# The supervisor and the administrator receive the trail's anchors (`audit anchor`).
OPERATORS = [
    ("demo-operator", Role.OPERATOR, None),
    ("demo-supervisor", Role.SUPERVISOR, "demo-supervisor@example.org"),
    ("demo-admin", Role.ADMIN, "demo-admin@example.org"),
]


def add_operators(session: Session, password: str) -> int:
    created = 0
    for username, role, email in OPERATORS:
        if session.scalar(select(Operator).where(Operator.username == username)) is None:
            display = username.replace("demo-", "Demo ").title()
            operator = create_operator(
                session, ACTOR, username, password, role, display_name=display
            )
            if email is not None:
                session.flush()
                set_email(session, ACTOR, operator.id, email)
            created += 1
    return created
