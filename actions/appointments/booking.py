"""Booking an appointment: refused within 36 hours of its start, on a day its agent
declared unavailable, and when the campaign is full."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.appointments.clock import booking_closes_at, parse_wall_time, shown, to_utc
from actions.appointments.desk import locked_campaign, require_desk
from actions.appointments.reports import counters
from actions.appointments.unavailability import check_agent_free
from actions.audit import audited
from actions.context import Actor
from actions.errors import Refused
from admin.i18n import N_
from models import Agent, Appointment, CampaignState, utcnow


@dataclass(frozen=True)
class Booking:
    agent_id: int
    prospect: str
    address: str
    starts_at: str  # as typed, on the campaign's clock
    notes: str = ""
    form_token: str | None = None


def book(
    session: Session,
    actor: Actor,
    campaign_id: int,
    booking: Booking,
    *,
    now: dt.datetime | None = None,
) -> Appointment:
    """A new appointment, to confirm. Refused within 36 hours of its start, on a day its
    agent declared unavailable, and when the campaign is full."""
    now = now or utcnow()
    if booking.form_token:
        existing = session.scalar(
            select(Appointment).where(Appointment.form_token == booking.form_token)
        )
        if existing is not None:  # the same form submitted twice: booked once
            return existing
    with audited(session, actor, "appointment.book", ("appointment", None)) as scope:
        require_desk(actor)
        campaign = locked_campaign(session, campaign_id)
        if booking.form_token:  # again under the lock: the same form sent twice at once
            existing = session.scalar(
                select(Appointment).where(Appointment.form_token == booking.form_token)
            )
            if existing is not None:
                scope.entity_id = str(existing.id)
                scope.note(same_form_as=existing.id)
                return existing
        if campaign.state != CampaignState.ACTIVE:
            raise Refused(
                N_(
                    "Campaign %(campaign)s has ended: no appointment can be booked. A supervisor "
                    "renews it to open it again."
                ),
                campaign=campaign.name,
            )
        if not campaign.agents:
            raise Refused(
                N_("Campaign %(campaign)s has no agent yet: a supervisor adds one in Agents."),
                campaign=campaign.name,
            )
        agent = session.get(Agent, booking.agent_id)
        if agent is None or agent.campaign_id != campaign.id:
            raise Refused(N_("Choose one of the campaign's agents."), field="agent")
        prospect = _text(booking.prospect, "prospect", 200, N_("Write the prospect's name."))
        address = _text(
            booking.address, "address", 300, N_("Write the address of the appointment.")
        )
        starts_at = to_utc(campaign, parse_wall_time(booking.starts_at))
        closes_at = booking_closes_at(campaign, starts_at)
        if now >= closes_at:
            raise Refused(
                N_(
                    "No appointment can be booked within 36 hours of its start: booking for "
                    "%(start)s closed at %(closed)s (%(zone)s). Choose a later start."
                ),
                field="starts_at",
                start=shown(campaign, starts_at),
                closed=shown(campaign, closes_at),
                zone=campaign.time_zone,
            )
        check_agent_free(session, campaign, agent, starts_at)
        taken = counters(session, campaign)
        if taken.full:
            raise Refused(
                N_(
                    "Campaign %(campaign)s is full: %(taken)s of %(purchased)s appointments "
                    "taken. A supervisor renews it to book more."
                ),
                campaign=campaign.name,
                taken=taken.taken,
                purchased=campaign.purchased,
            )
        appointment = Appointment(
            campaign_id=campaign.id,
            agent_id=agent.id,
            prospect=prospect,
            address=address,
            starts_at=starts_at,
            notes=booking.notes.strip() or None,
            booked_at=now,
            booked_by=actor.username,
            form_token=booking.form_token or None,
        )
        session.add(appointment)
        session.flush()
        scope.entity_id = str(appointment.id)
        scope.note(local_start=str(shown(campaign, starts_at)), taken_before=taken.taken)
    return appointment


def _text(value: str, field: str, longest: int, missing: str) -> str:
    text = value.strip()
    if not text:
        raise Refused(missing, field=field)
    if len(text) > longest:
        raise Refused(
            N_("At most %(longest)s characters here: shorten it."), field=field, longest=longest
        )
    return text
