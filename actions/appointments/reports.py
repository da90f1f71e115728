"""The campaign's counters (its page's boxes) and the report per campaign, agent or zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.orm import Session

from actions.appointments.clock import day_starts
from actions.appointments.states import CONFIRMED, TAKEN, TO_CONFIRM
from admin.i18n import N_
from models import Agent, Appointment, AppointmentState, Campaign


@dataclass(frozen=True)
class Counters:
    """What the campaign page's boxes, the report and its CSV show. `purchased` and
    `remaining` belong to a campaign: None on an agent's or a zone's row."""

    taken: int = 0
    confirmed: int = 0
    to_confirm: int = 0
    cancelled: int = 0
    done: int = 0
    purchased: int | None = None
    remaining: int | None = None

    @property
    def full(self) -> bool:
        return self.remaining == 0

    @classmethod
    def of(
        cls,
        by_state: dict[AppointmentState, int],
        purchased: int | None,
        taken_overall: int | None = None,
    ) -> Counters:
        """Counters from a count per state; `taken_overall` is the campaign's taken over its
        whole life, when `by_state` covers a period only."""

        def count(states: tuple[AppointmentState, ...]) -> int:
            return sum(by_state.get(s, 0) for s in states)

        taken = count(TAKEN)
        overall = taken if taken_overall is None else taken_overall
        return cls(
            taken=taken,
            confirmed=count(CONFIRMED),
            to_confirm=count(TO_CONFIRM),
            cancelled=by_state.get(AppointmentState.CANCELLED, 0),
            done=by_state.get(AppointmentState.DONE, 0),
            purchased=purchased,
            remaining=None if purchased is None else max(purchased - overall, 0),
        )

    def row(self) -> dict[str, int | None]:
        return {
            "purchased": self.purchased,
            "taken": self.taken,
            "confirmed": self.confirmed,
            "to_confirm": self.to_confirm,
            "cancelled": self.cancelled,
            "done": self.done,
            "remaining": self.remaining,
        }


COLUMNS = {
    "purchased": N_("Purchased"),
    "taken": N_("Taken"),
    "confirmed": N_("Confirmed"),
    "to_confirm": N_("To confirm"),
    "cancelled": N_("Cancelled, to recover"),
    "done": N_("Done"),
    "remaining": N_("Remaining"),
}
Grouping = Literal["campaign", "agent", "zone"]
GROUPINGS: dict[str, str] = {
    "campaign": N_("per campaign"),
    "agent": N_("per agent"),
    "zone": N_("per zone"),
}


@dataclass(frozen=True)
class ReportRow:
    campaign: str
    label: str
    counters: Counters


def counters(session: Session, campaign: Campaign) -> Counters:
    """The campaign's boxes, over its whole life."""
    rows = report(session, "campaign", campaign_id=campaign.id)
    return rows[0].counters if rows else Counters(purchased=campaign.purchased)


def report(
    session: Session,
    by: Grouping,
    *,
    campaign_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[ReportRow]:
    """Counters per campaign, agent or zone, for the appointments starting from `start` to
    `end` included (days on each campaign's clock). A campaign's purchased total and what
    remains of it are for the whole campaign, whatever the period."""
    campaigns = list(
        session.scalars(
            select(Campaign)
            .where(Campaign.id == campaign_id if campaign_id is not None else true())
            .order_by(Campaign.name, Campaign.id)
        )
    )
    if not campaigns:
        return []
    by_id = {c.id: c for c in campaigns}
    groupings: dict[str, list[Any]] = {
        "campaign": [Appointment.campaign_id],
        "agent": [Appointment.campaign_id, Appointment.agent_id],
        "zone": [Appointment.campaign_id, Agent.zone],
    }
    keys = groupings[by]
    query = (
        select(*keys, Appointment.state, func.count())
        .where(Appointment.campaign_id.in_(by_id))
        .group_by(*keys, Appointment.state)
    )
    if by == "zone":
        query = query.join(Agent, Agent.id == Appointment.agent_id)
    if start is not None or end is not None:
        query = query.where(or_(*(_within(c, start, end) for c in campaigns)))
    found: dict[tuple[Any, ...], dict[AppointmentState, int]] = {}
    for *key, state, count in session.execute(query):
        found.setdefault(tuple(key), {})[AppointmentState(state)] = count
    if by == "campaign":
        period = start is not None or end is not None
        overall = _taken(session, list(by_id)) if period else {}
        return [
            ReportRow(
                c.name,
                c.name,
                Counters.of(
                    found.get((c.id,), {}), c.purchased, overall.get(c.id, 0) if period else None
                ),
            )
            for c in campaigns
        ]
    if by == "agent":
        agents = session.scalars(
            select(Agent).where(Agent.campaign_id.in_(by_id)).order_by(Agent.name, Agent.id)
        )
        return [
            ReportRow(
                by_id[a.campaign_id].name,
                str(a),
                Counters.of(found.get((a.campaign_id, a.id), {}), None),
            )
            for a in agents
        ]
    zones = session.execute(
        select(Agent.campaign_id, Agent.zone)
        .where(Agent.campaign_id.in_(by_id))
        .distinct()
        .order_by(Agent.zone)
    )
    return [
        ReportRow(by_id[cid].name, zone, Counters.of(found.get((cid, zone), {}), None))
        for cid, zone in zones
    ]


def _taken(session: Session, campaign_ids: list[int]) -> dict[int, int]:
    """Taken per campaign over its whole life."""
    return dict(
        session.execute(
            select(Appointment.campaign_id, func.count(Appointment.id))
            .where(Appointment.campaign_id.in_(campaign_ids), Appointment.state.in_(TAKEN))
            .group_by(Appointment.campaign_id)
        ).all()
    )


def _within(campaign: Campaign, start: dt.date | None, end: dt.date | None) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = [Appointment.campaign_id == campaign.id]
    if start is not None:
        clauses.append(Appointment.starts_at >= day_starts(campaign, start))
    if end is not None:
        clauses.append(Appointment.starts_at < day_starts(campaign, end + dt.timedelta(days=1)))
    return and_(*clauses)
