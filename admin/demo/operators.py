"""The demo's operators, one for each role, and the actor the demo data is recorded as."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.context import Actor
from actions.operators import create_operator
from models import Operator, Role

ACTOR = Actor.system("demo-data")
OPERATORS = [
    ("demo-operator", Role.OPERATOR),
    ("demo-supervisor", Role.SUPERVISOR),
    ("demo-admin", Role.ADMIN),
]


def add_operators(session: Session, password: str) -> int:
    created = 0
    for username, role in OPERATORS:
        if session.scalar(select(Operator).where(Operator.username == username)) is None:
            display = username.replace("demo-", "Demo ").title()
            create_operator(session, ACTOR, username, password, role, display_name=display)
            created += 1
    return created
