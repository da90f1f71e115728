"""Demo appointment campaigns (seed 003)."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Agent, Appointment, AppointmentState, Campaign, Organization, Unavailability

# Seed 003's boxes: 200 purchased, 189 taken of which 21 to confirm; a second campaign full.
CAMPAIGNS = (
    # name, customer, company code, time zone, purchased, (done, confirmed, to confirm,
    # postponed, cancelled), agents as (name, zone)
    (
        "Infissi autunno",
        "Infissi Marchigiani S.r.l.",
        "INFISSI",
        "Europe/Rome",
        200,
        (120, 48, 15, 6, 7),
        (("Marco Neri", "Macerata"), ("Lucia Gallo", "Ancona"), ("Paolo Riva", "Pesaro")),
    ),
    (
        "Cuisines printemps",
        "Cuisines du Sud SARL",
        "CUISUD",
        "Europe/Paris",
        30,
        (10, 12, 8, 0, 2),
        (("Claire Martin", "Toulouse"), ("Hugo Bernard", "Montpellier")),
    ),
)


def add_campaigns(session: Session) -> int:
    """Campaigns whose appointments make the seed's boxes; some start within two days, so
    that a cancellation is refused, and one agent has a day declared unavailable."""
    if session.scalar(select(Campaign.id).limit(1)) is not None:
        return 0
    rng = random.Random(3)  # noqa: S311 - repeatable demo data, not a secret
    now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    for name, customer, code, zone, purchased, counts, agents in CAMPAIGNS:
        org = session.scalar(select(Organization).where(Organization.company_code == code))
        if org is None:
            org = Organization(name=customer, company_code=code, timezone=zone)
            session.add(org)
        campaign = Campaign(organization=org, name=name, purchased=purchased, time_zone=zone)
        campaign.agents = [Agent(name=agent, zone=area) for agent, area in agents]
        session.add(campaign)
        session.flush()
        done, confirmed, to_confirm, postponed, cancelled = counts
        plan = (
            [(AppointmentState.DONE, -60, -1)] * done
            + [(AppointmentState.CONFIRMED, 1, 30)] * confirmed
            + [(AppointmentState.TO_CONFIRM, 1, 20)] * to_confirm
            + [(AppointmentState.POSTPONED, 5, 25)] * postponed
            + [(AppointmentState.CANCELLED, 3, 30)] * cancelled
        )
        away = (now + dt.timedelta(days=12)).date()  # the first agent's unavailable day
        for number, (state, first_day, last_day) in enumerate(plan):
            start = now + dt.timedelta(days=rng.randint(first_day, last_day))
            start = start.replace(hour=rng.choice((7, 8, 9, 12, 13, 14, 15)))
            agent = rng.choice(campaign.agents)
            if agent is campaign.agents[0] and start.date() == away:
                start += dt.timedelta(days=1)
            session.add(
                Appointment(
                    campaign_id=campaign.id,
                    agent_id=agent.id,
                    prospect=f"{PROSPECTS[number % len(PROSPECTS)]} {number + 1}",
                    address=f"{ADDRESSES[number % len(ADDRESSES)]}",
                    starts_at=start,
                    state=state,
                    booked_at=start - dt.timedelta(days=rng.randint(3, 20)),
                    booked_by="demo-operator",
                )
            )
        session.add(
            Unavailability(
                agent_id=campaign.agents[0].id,
                day=away,
                reason="riunione / réunion",
                declared_at=now - dt.timedelta(days=2),
                declared_by="demo-operator",
            )
        )
    return len(CAMPAIGNS)


PROSPECTS = ("Ferramenta", "Bar", "Studio", "Boulangerie", "Garage", "Pharmacie", "Hotel")
ADDRESSES = ("Via Roma 1", "Corso Cavour 12", "Rue de la Paix 3", "Piazza Garibaldi 5")
