"""An agent's unavailable days: declared at least 8 days ahead, and kept free of
appointments."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actions import errors
from actions.appointments.clock import (
    UNAVAILABILITY_NOTICE_DAYS,
    day_starts,
    earliest_unavailable_day,
    last_day_to_declare,
    local,
    parse_day,
)
from actions.appointments.desk import locked_campaign, require_desk
from actions.appointments.states import TAKEN
from actions.audit import audited
from actions.context import Actor
from actions.errors import Refused
from admin.i18n import N_
from models import Agent, Appointment, Campaign, Unavailability, utcnow


def unavailable(session: Session, agent: Agent, day: dt.date) -> Unavailability | None:
    return session.scalar(
        select(Unavailability).where(Unavailability.agent_id == agent.id, Unavailability.day == day)
    )


def check_agent_free(
    session: Session, campaign: Campaign, agent: Agent, starts_at: dt.datetime
) -> None:
    day = local(campaign, starts_at).date()
    if unavailable(session, agent, day) is not None:
        raise Refused(
            N_("%(agent)s declared %(day)s unavailable: choose another day or another agent."),
            field="starts_at",
            agent=agent.name,
            day=errors.day(day),
        )


def declare_unavailability(
    session: Session,
    actor: Actor,
    agent_id: int,
    day: str,
    reason: str = "",
    *,
    now: dt.datetime | None = None,
) -> Unavailability:
    """At least 8 days ahead on the campaign's clock: for the 27th, by the 19th."""
    now = now or utcnow()
    agent = session.get(Agent, agent_id)
    if agent is None:
        raise Refused(N_("This agent no longer exists."))
    with audited(session, actor, "agent.unavailable", agent) as scope:
        require_desk(actor)
        locked_campaign(session, agent.campaign_id)  # two declarations of one day take turns
        wanted = parse_day(day)
        deadline = last_day_to_declare(wanted)
        today = local(agent.campaign, now).date()
        if today > deadline:
            raise Refused(
                N_(
                    "An unavailability is declared at least %(days)s days ahead: for %(day)s, "
                    "the last day was %(deadline)s. The earliest day you can declare today is "
                    "%(earliest)s."
                ),
                field="day",
                days=UNAVAILABILITY_NOTICE_DAYS,
                day=errors.day(wanted),
                deadline=errors.day(deadline),
                earliest=errors.day(earliest_unavailable_day(agent.campaign, now)),
            )
        if len(reason.strip()) > 200:
            raise Refused(
                N_("At most %(longest)s characters here: shorten it."), field="reason", longest=200
            )
        if unavailable(session, agent, wanted) is not None:
            raise Refused(
                N_("%(agent)s is already unavailable on %(day)s."),
                field="day",
                agent=agent.name,
                day=errors.day(wanted),
            )
        booked = session.scalar(
            select(func.count(Appointment.id)).where(
                Appointment.agent_id == agent.id,
                Appointment.state.in_(TAKEN),
                Appointment.starts_at >= day_starts(agent.campaign, wanted),
                Appointment.starts_at < day_starts(agent.campaign, wanted + dt.timedelta(days=1)),
            )
        )
        unavailability = Unavailability(
            agent_id=agent.id,
            day=wanted,
            reason=reason.strip() or None,
            declared_at=now,
            declared_by=actor.username,
        )
        session.add(unavailability)
        scope.note(day=wanted.isoformat(), appointments_that_day=booked)
    return unavailability
