"""Who may change appointments and campaigns, and the campaign lock those changes take
turns on."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.audit import Scope, changing
from actions.context import Actor
from actions.errors import Conflict, Forbidden, Refused
from admin.i18n import N_
from models import Campaign, Role


def require_desk(actor: Actor) -> None:
    if not actor.may(Role.OPERATOR):
        raise Forbidden(N_("Only the desk's operators may handle appointments."))


def require_supervisor(actor: Actor) -> None:
    if not actor.may(Role.SUPERVISOR):
        raise Forbidden(N_("Only a supervisor may renew a campaign."))


def desk_changing(
    session: Session, actor: Actor, action: str, entity: Any, *, minimum: Role = Role.OPERATOR
) -> AbstractContextManager[Scope]:
    """An audited change (see `audit.changing`) by the desk, or by a supervisor."""
    return changing(
        session,
        actor,
        action,
        entity,
        require=require_supervisor if minimum == Role.SUPERVISOR else require_desk,
        conflict=Conflict(
            N_("Someone else changed this record at the same moment: look at it again.")
        ),
    )


def locked_campaign(session: Session, campaign_id: int) -> Campaign:
    """The campaign, locked until the end of the transaction: two bookings of its last
    place take turns (SQLite's writers already do, each transaction starting IMMEDIATE)."""
    campaign = session.scalar(
        select(Campaign)
        .where(Campaign.id == campaign_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if campaign is None:
        raise Refused(N_("This campaign no longer exists."))
    return campaign
