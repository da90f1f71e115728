"""A campaign: what its form accepts, and its renewal by a supervisor."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from actions.appointments.clock import time_zone
from actions.appointments.desk import desk_changing, locked_campaign
from actions.context import Actor
from actions.errors import Conflict, Refused
from admin.i18n import N_
from models import Campaign, CampaignState, Role

MAX_PURCHASED = 1_000_000
CAMPAIGN_STATE_LABELS = {"active": N_("open for booking"), "ended": N_("ended")}


def check_time_zone(value: str, data: dict[str, Any] | None = None) -> str:
    """A campaign's time zone as typed in its form, or the reason it is refused."""
    time_zone(value.strip())
    return value.strip()


def check_purchased(value: str, data: dict[str, Any] | None = None) -> str:
    """A campaign's purchased total as typed in its form, or the reason it is refused."""
    if not value.strip().isdecimal() or not 1 <= int(value) <= MAX_PURCHASED:
        raise Refused(
            N_("A campaign buys from 1 to %(most)s appointments."),
            field="purchased",
            most=MAX_PURCHASED,
        )
    return value.strip()


def renew(
    session: Session,
    actor: Actor,
    campaign_id: int,
    added: int,
    *,
    expected_version: int | None = None,
) -> Campaign:
    """Add purchased appointments; a full or ended campaign opens again."""
    campaign = locked_campaign(session, campaign_id)
    if expected_version is not None and campaign.version != expected_version:
        raise Conflict(
            N_("Someone else changed this campaign since you opened it: look at it again.")
        )
    with desk_changing(
        session, actor, "campaign.renew", campaign, minimum=Role.SUPERVISOR
    ) as scope:
        if added < 1:
            raise Refused(N_("Add at least one appointment."), field="added")
        campaign.purchased += added
        campaign.state = CampaignState.ACTIVE
        scope.note(added=added)
    return campaign
