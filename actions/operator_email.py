"""An operator's e-mail address: where a supervisor receives the trail's anchors."""

from __future__ import annotations

from sqlalchemy.orm import Session

from actions import personal_data
from actions.audit import audited
from actions.context import Actor
from actions.errors import Refused
from admin.i18n import N_
from models import Operator, Role


def set_email(session: Session, actor: Actor, operator_id: int, email: str) -> Operator:
    """Set (or clear, with an empty value) an operator's address, checked as members'
    addresses are. An administrator's action; the command line may too."""
    operator = session.get(Operator, operator_id)
    if operator is None:
        raise Refused(N_("This operator no longer exists."))
    with audited(session, actor, "operator.set_email", operator):
        if actor.role is not None and not actor.may(Role.ADMIN):
            raise Refused(N_("Only an administrator may manage operators."))
        operator.email = personal_data.email(email) if email.strip() else None
    return operator
