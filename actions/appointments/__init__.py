"""Appointment campaigns (seed 003).

A customer buys a number of appointments ("purchased"). "Taken" is confirmed + to confirm:
a postponed appointment waits for its new date to be confirmed, so it counts as to
confirm; a done appointment was confirmed and still counts as confirmed. When taken reaches
purchased the campaign is full until it is renewed; a cancelled appointment frees its place
and is counted as one to recover.

Every time rule is checked on the campaign's clock, in its time zone, so the seed's examples
hold whatever the clocks do in between:
- booking closes 36 hours of that clock before the start (2 October 12:00 -> from 1 October
  00:00);
- a cancellation is accepted up to 2 days before the start, to the minute;
- an unavailability is declared at least 8 days ahead (for the 27th, by the 19th, 23:59).
Confirming and postponing are allowed at any time.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.orm import Session

from actions.audit import Scope, audited, changing
from actions.context import Actor
from actions.errors import Conflict, Forbidden, Refused, Term
from admin.i18n import N_
from models import (
    Agent,
    Appointment,
    AppointmentState,
    Campaign,
    CampaignState,
    Role,
    Unavailability,
    utcnow,
)

MAX_PURCHASED = 1_000_000
BOOKING_NOTICE = dt.timedelta(hours=36)
CANCELLATION_NOTICE = dt.timedelta(days=2)
UNAVAILABILITY_NOTICE_DAYS = 8
TIME_FORMAT = "%Y-%m-%d %H:%M"

STATE_LABELS = {
    "to_confirm": N_("to confirm"),
    "confirmed": N_("confirmed"),
    "postponed": N_("postponed"),
    "cancelled": N_("cancelled"),
    "done": N_("done"),
}
CAMPAIGN_STATE_LABELS = {"active": N_("open for booking"), "ended": N_("ended")}
TO_CONFIRM = (AppointmentState.TO_CONFIRM, AppointmentState.POSTPONED)
CONFIRMED = (AppointmentState.CONFIRMED, AppointmentState.DONE)
TAKEN = TO_CONFIRM + CONFIRMED
# From which states each change may start.
CONFIRMABLE = TO_CONFIRM
POSTPONABLE = (*TO_CONFIRM, AppointmentState.CONFIRMED)
CANCELLABLE = POSTPONABLE
FROM_STATES = {
    "confirm": CONFIRMABLE,
    "postpone": POSTPONABLE,
    "cancel": CANCELLABLE,
    "done": (AppointmentState.CONFIRMED,),
}


# --- the campaign's clock ----------------------------------------------------------------


def time_zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise Refused(
            N_("“%(zone)s” is not a time zone: write one like Europe/Rome or Europe/Paris."),
            field="time_zone",
            zone=name,
        ) from None


def local(campaign: Campaign, moment: dt.datetime) -> dt.datetime:
    """A UTC moment on the campaign's clock (aware)."""
    return moment.astimezone(time_zone(campaign.time_zone))


def to_utc(campaign: Campaign, wall: dt.datetime) -> dt.datetime:
    """A time read on the campaign's clock (naive) as a UTC moment. A time the clocks skip
    when they go forward does not exist and is refused; a time they pass twice when they go
    back is the first one."""
    zone = time_zone(campaign.time_zone)
    moment = wall.replace(tzinfo=zone, fold=0)
    if moment.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != wall:
        raise Refused(
            N_(
                "%(time)s does not exist in %(zone)s: the clocks go forward then. Choose another time."
            ),
            field="starts_at",
            time=wall.strftime(TIME_FORMAT),
            zone=campaign.time_zone,
        )
    return moment.astimezone(dt.UTC)


def _wall_shift(campaign: Campaign, moment: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """`moment` moved by `delta` on the campaign's clock (so 36 hours before 12:00 is 00:00
    the day before, even when the clocks change in between), as a UTC moment."""
    wall = local(campaign, moment).replace(tzinfo=None) + delta
    return wall.replace(tzinfo=time_zone(campaign.time_zone), fold=0).astimezone(dt.UTC)


def booking_closes_at(campaign: Campaign, starts_at: dt.datetime) -> dt.datetime:
    return _wall_shift(campaign, starts_at, -BOOKING_NOTICE)


def cancellation_closes_at(campaign: Campaign, starts_at: dt.datetime) -> dt.datetime:
    return _wall_shift(campaign, starts_at, -CANCELLATION_NOTICE)


def last_day_to_declare(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=UNAVAILABILITY_NOTICE_DAYS)


def earliest_unavailable_day(campaign: Campaign, now: dt.datetime) -> dt.date:
    return local(campaign, now).date() + dt.timedelta(days=UNAVAILABILITY_NOTICE_DAYS)


YEARS = range(1900, 2101)  # what a desk books or reports on; beyond is a typing slip


def parse_wall_time(typed: str, field: str = "starts_at") -> dt.datetime:
    """A date and time typed in a form (`2026-10-02T12:00` or `2026-10-02 12:00`)."""
    try:
        wall = dt.datetime.fromisoformat(typed.strip().replace(" ", "T")).replace(tzinfo=None)
    except ValueError:
        wall = None
    if wall is None or wall.year not in YEARS:
        raise Refused(N_("Write the date and time like 2026-10-02 12:00."), field=field)
    return wall


def parse_day(typed: str, field: str = "day") -> dt.date:
    try:
        day = dt.date.fromisoformat(typed.strip())
    except ValueError:
        day = None
    if day is None or day.year not in YEARS:
        raise Refused(N_("Write the day like 2026-10-27."), field=field)
    return day


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


def _text(value: str, field: str, longest: int, missing: str) -> str:
    text = value.strip()
    if not text:
        raise Refused(missing, field=field)
    if len(text) > longest:
        raise Refused(
            N_("At most %(longest)s characters here: shorten it."), field=field, longest=longest
        )
    return text


def _shown(campaign: Campaign, moment: dt.datetime) -> str:
    return local(campaign, moment).strftime(TIME_FORMAT)


# --- counters and reports ----------------------------------------------------------------


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
        clauses.append(Appointment.starts_at >= _day_starts(campaign, start))
    if end is not None:
        clauses.append(Appointment.starts_at < _day_starts(campaign, end + dt.timedelta(days=1)))
    return and_(*clauses)


def _day_starts(campaign: Campaign, day: dt.date) -> dt.datetime:
    wall = dt.datetime.combine(day, dt.time())
    return wall.replace(tzinfo=time_zone(campaign.time_zone)).astimezone(dt.UTC)


# --- actions -----------------------------------------------------------------------------


def require_desk(actor: Actor) -> None:
    if not actor.may(Role.OPERATOR):
        raise Forbidden(N_("Only the desk's operators may handle appointments."))


def require_supervisor(actor: Actor) -> None:
    if not actor.may(Role.SUPERVISOR):
        raise Forbidden(N_("Only a supervisor may renew a campaign."))


def _changing(
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


def _locked_campaign(session: Session, campaign_id: int) -> Campaign:
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


def _appointment(
    session: Session, appointment_id: int, expected_version: int | None = None
) -> Appointment:
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        raise Refused(N_("This appointment no longer exists."))
    if expected_version is not None and appointment.version != expected_version:
        raise Conflict(
            N_("Someone else changed this appointment since you opened it: look at it again.")
        )
    return appointment


def _unavailable(session: Session, agent: Agent, day: dt.date) -> Unavailability | None:
    return session.scalar(
        select(Unavailability).where(Unavailability.agent_id == agent.id, Unavailability.day == day)
    )


def _check_agent_free(
    session: Session, campaign: Campaign, agent: Agent, starts_at: dt.datetime
) -> None:
    day = local(campaign, starts_at).date()
    if _unavailable(session, agent, day) is not None:
        raise Refused(
            N_("%(agent)s declared %(day)s unavailable: choose another day or another agent."),
            field="starts_at",
            agent=agent.name,
            day=day.isoformat(),
        )


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
        campaign = _locked_campaign(session, campaign_id)
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
                start=_shown(campaign, starts_at),
                closed=_shown(campaign, closes_at),
                zone=campaign.time_zone,
            )
        _check_agent_free(session, campaign, agent, starts_at)
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
        scope.note(local_start=_shown(campaign, starts_at), taken_before=taken.taken)
    return appointment


def confirm(
    session: Session,
    actor: Actor,
    appointment_id: int,
    *,
    expected_version: int | None = None,
) -> Appointment:
    with _transition(session, actor, appointment_id, expected_version, "confirm") as appointment:
        appointment.state = AppointmentState.CONFIRMED
    return appointment


def postpone(
    session: Session,
    actor: Actor,
    appointment_id: int,
    new_start: str,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """A new start, at any time before it; the appointment then waits for confirmation."""
    now = now or utcnow()
    with _transition(session, actor, appointment_id, expected_version, "postpone") as appointment:
        campaign = appointment.campaign
        starts_at = to_utc(campaign, parse_wall_time(new_start))
        if starts_at <= now:
            raise Refused(
                N_("The new start %(start)s has already passed: choose a later one."),
                field="starts_at",
                start=_shown(campaign, starts_at),
            )
        if starts_at == appointment.starts_at:
            raise Refused(N_("The new start is the same as the old one."), field="starts_at")
        _check_agent_free(session, campaign, appointment.agent, starts_at)
        appointment.starts_at = starts_at
        appointment.state = AppointmentState.POSTPONED
    return appointment


def cancel(
    session: Session,
    actor: Actor,
    appointment_id: int,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Accepted up to 2 days before the start; the place is freed, and the appointment
    counts as one to recover."""
    now = now or utcnow()
    with _transition(session, actor, appointment_id, expected_version, "cancel") as appointment:
        campaign = appointment.campaign
        closes_at = cancellation_closes_at(campaign, appointment.starts_at)
        if now > closes_at:
            raise Refused(
                N_(
                    "A cancellation must come at least 2 days before the appointment: for "
                    "%(start)s the last moment was %(closed)s (%(zone)s). The appointment stays; "
                    "postpone it instead if the prospect agrees."
                ),
                start=_shown(campaign, appointment.starts_at),
                closed=_shown(campaign, closes_at),
                zone=campaign.time_zone,
            )
        appointment.state = AppointmentState.CANCELLED
    return appointment


def mark_done(
    session: Session,
    actor: Actor,
    appointment_id: int,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    now = now or utcnow()
    with _transition(session, actor, appointment_id, expected_version, "done") as appointment:
        if appointment.starts_at > now:
            raise Refused(
                N_("The appointment starts at %(start)s: it can be marked done after that."),
                start=_shown(appointment.campaign, appointment.starts_at),
            )
        appointment.state = AppointmentState.DONE
    return appointment


@contextmanager
def _transition(
    session: Session,
    actor: Actor,
    appointment_id: int,
    expected_version: int | None,
    action: str,
) -> Iterator[Appointment]:
    """An audited change of an appointment that starts from one of the states `action`
    allows (FROM_STATES)."""
    appointment = _appointment(session, appointment_id, expected_version)
    with _changing(session, actor, f"appointment.{action}", appointment):
        if appointment.state not in FROM_STATES[action]:
            raise Refused(
                N_(
                    "This appointment is %(state)s, so it cannot be changed that way. If the "
                    "prospect wants to meet, book a new appointment."
                ),
                state=Term(STATE_LABELS[appointment.state.value]),
            )
        yield appointment


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
        _locked_campaign(session, agent.campaign_id)  # two declarations of one day take turns
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
                day=wanted.isoformat(),
                deadline=deadline.isoformat(),
                earliest=earliest_unavailable_day(agent.campaign, now).isoformat(),
            )
        if len(reason.strip()) > 200:
            raise Refused(
                N_("At most %(longest)s characters here: shorten it."), field="reason", longest=200
            )
        if _unavailable(session, agent, wanted) is not None:
            raise Refused(
                N_("%(agent)s is already unavailable on %(day)s."),
                field="day",
                agent=agent.name,
                day=wanted.isoformat(),
            )
        booked = session.scalar(
            select(func.count(Appointment.id)).where(
                Appointment.agent_id == agent.id,
                Appointment.state.in_(TAKEN),
                Appointment.starts_at >= _day_starts(agent.campaign, wanted),
                Appointment.starts_at < _day_starts(agent.campaign, wanted + dt.timedelta(days=1)),
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


def renew(
    session: Session,
    actor: Actor,
    campaign_id: int,
    added: int,
    *,
    expected_version: int | None = None,
) -> Campaign:
    """Add purchased appointments; a full or ended campaign opens again."""
    campaign = _locked_campaign(session, campaign_id)
    if expected_version is not None and campaign.version != expected_version:
        raise Conflict(
            N_("Someone else changed this campaign since you opened it: look at it again.")
        )
    with _changing(session, actor, "campaign.renew", campaign, minimum=Role.SUPERVISOR) as scope:
        if added < 1:
            raise Refused(N_("Add at least one appointment."), field="added")
        campaign.purchased += added
        campaign.state = CampaignState.ACTIVE
        scope.note(added=added)
    return campaign
