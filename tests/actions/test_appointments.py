"""Appointment campaigns (seed 003): each rule at its cut-off, on the campaign's clock, with
a daylight-saving change between the moment of the action and the appointment."""

from __future__ import annotations

import datetime as dt
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from actions import appointments
from actions.appointments import Booking, Counters, Grouping
from actions.context import Actor
from actions.errors import Conflict, Forbidden, Refused
from models import (
    Agent,
    Appointment,
    AppointmentState,
    AuditEvent,
    Campaign,
    CampaignState,
    Organization,
    Outcome,
    Unavailability,
)
from tests.helpers import events, fresh, last_event

UTC = dt.UTC


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def make_campaign(
    session: Session, organization: Organization, purchased: int = 10, zone: str = "Europe/Rome"
) -> Campaign:
    campaign = Campaign(
        organization=organization, name=f"Campagna {purchased}", purchased=purchased, time_zone=zone
    )
    campaign.agents = [
        Agent(name="Lucia Gallo", zone="Marche"),  # in name order, as the campaign lists them
        Agent(name="Marco Neri", zone="Umbria"),
    ]
    session.add(campaign)
    session.commit()
    return campaign


@pytest.fixture
def campaign(session: Session, organization: Organization) -> Campaign:
    return make_campaign(session, organization)


def booking(campaign: Campaign, start: str, agent: int = 0, **extra: str) -> Booking:
    return Booking(
        agent_id=campaign.agents[agent].id,
        prospect=extra.pop("prospect", "Ferramenta Rossi"),
        address="Via Roma 1, Macerata",
        starts_at=start,
        **extra,
    )


def book(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    start: str,
    now: dt.datetime,
    agent: int = 0,
    **extra: str,
) -> Appointment:
    appointment = appointments.book(
        session, actor, campaign.id, booking(campaign, start, agent, **extra), now=now
    )
    session.commit()
    return appointment


# --- the 36-hour rule ----------------------------------------------------------------------


def test_the_seeds_example_booking_for_2_october_noon_closes_at_1_october_midnight(
    session: Session, olivia: Actor, campaign: Campaign
) -> None:
    # 1 October 00:00 in Rome is 30 September 22:00 UTC (summer time).
    book(session, olivia, campaign, "2026-10-02 12:00", now=utc("2026-09-30 21:59"))

    with pytest.raises(Refused) as refusal:
        book(session, olivia, campaign, "2026-10-02 12:00", now=utc("2026-09-30 22:00"))

    assert refusal.value.field == "starts_at"
    assert "36 hours" in str(refusal.value)
    assert "2026-10-01 00:00" in str(refusal.value)


def test_booking_closes_at_midnight_on_the_campaigns_clock_when_summer_time_starts_between(
    session: Session, olivia: Actor, campaign: Campaign
) -> None:
    # Clocks go forward on 28 March 2027; 29 March 12:00 CEST is 10:00 UTC. Booking closes at
    # 28 March 00:00 CET = 27 March 23:00 UTC: 35 real hours before, 36 on the wall clock.
    closes = appointments.booking_closes_at(campaign, utc("2027-03-29 10:00"))
    assert closes == utc("2027-03-27 23:00")

    book(session, olivia, campaign, "2027-03-29T12:00", now=utc("2027-03-27 22:59"))
    with pytest.raises(Refused, match="36 hours"):
        book(session, olivia, campaign, "2027-03-29T12:00", now=utc("2027-03-27 23:00"))


def test_booking_closes_at_midnight_on_the_campaigns_clock_when_summer_time_ends_between(
    session: Session, olivia: Actor, campaign: Campaign
) -> None:
    # Clocks go back on 25 October 2026; 26 October 12:00 CET is 11:00 UTC; booking closes at
    # 25 October 00:00 CEST = 24 October 22:00 UTC, 37 real hours before.
    book(session, olivia, campaign, "2026-10-26 12:00", now=utc("2026-10-24 21:59"))
    with pytest.raises(Refused, match="36 hours"):
        book(session, olivia, campaign, "2026-10-26 12:00", now=utc("2026-10-24 22:00"))


def test_the_rule_is_read_on_the_campaigns_own_clock(
    session: Session, olivia: Actor, organization: Organization
) -> None:
    montreal = make_campaign(session, organization, zone="America/Montreal")
    # 2 October 12:00 in Montreal closes at 1 October 00:00 EDT = 04:00 UTC.
    book(session, olivia, montreal, "2026-10-02 12:00", now=utc("2026-10-01 03:59"))
    with pytest.raises(Refused):
        book(session, olivia, montreal, "2026-10-02 12:00", now=utc("2026-10-01 04:00"))


def test_a_time_the_clocks_skip_is_refused(
    session: Session, olivia: Actor, campaign: Campaign
) -> None:
    with pytest.raises(Refused, match="does not exist"):
        book(session, olivia, campaign, "2027-03-28 02:30", now=utc("2027-03-01 09:00"))


def test_a_booking_is_stored_in_utc(session: Session, olivia: Actor, campaign: Campaign) -> None:
    appointment = book(session, olivia, campaign, "2026-10-02 12:00", now=utc("2026-09-01 09:00"))

    assert fresh(session).get(Appointment, appointment.id).starts_at == utc("2026-10-02 10:00")
    event = last_event(session, "appointment.book")
    assert event.outcome == Outcome.SUCCESS
    assert event.after is not None and event.after["local_start"] == "2026-10-02 12:00"


@pytest.mark.parametrize(
    ("field", "extra", "start"),
    [
        ("prospect", {"prospect": " "}, "2026-10-02 12:00"),
        ("starts_at", {}, "2 October"),
    ],
)
def test_a_booking_with_a_missing_or_unreadable_value_says_which(
    session: Session,
    olivia: Actor,
    campaign: Campaign,
    field: str,
    extra: dict[str, str],
    start: str,
) -> None:
    with pytest.raises(Refused) as refusal:
        book(session, olivia, campaign, start, now=utc("2026-09-01 09:00"), **extra)

    assert refusal.value.field == field
    assert fresh(session).scalar(select(func.count(Appointment.id))) == 0


def test_an_agent_of_another_campaign_cannot_be_booked(
    session: Session, olivia: Actor, campaign: Campaign, organization: Organization
) -> None:
    other = make_campaign(session, organization, purchased=5)
    wrong = Booking(other.agents[0].id, "Bar Sport", "Via Po 2", "2026-10-02 12:00")

    with pytest.raises(Refused) as refusal:
        appointments.book(session, olivia, campaign.id, wrong, now=utc("2026-09-01 09:00"))

    assert refusal.value.field == "agent"


def test_an_ended_campaign_takes_no_booking(
    session: Session, olivia: Actor, campaign: Campaign
) -> None:
    campaign.state = CampaignState.ENDED
    session.commit()

    with pytest.raises(Refused, match="ended"):
        book(session, olivia, campaign, "2026-10-02 12:00", now=utc("2026-09-01 09:00"))


def test_a_form_submitted_twice_books_once(
    session: Session, olivia: Actor, campaign: Campaign
) -> None:
    now = utc("2026-09-01 09:00")
    first = book(session, olivia, campaign, "2026-10-02 12:00", now, form_token="t-1")
    second = book(session, olivia, campaign, "2026-10-02 12:00", now, form_token="t-1")

    assert first.id == second.id
    assert fresh(session).scalar(select(func.count(Appointment.id))) == 1
    assert len(events(session, "appointment.book")) == 1


# --- unavailability ----------------------------------------------------------------------


def declare(
    session: Session, actor: Actor, agent: Agent, day: str, now: dt.datetime
) -> Unavailability:
    made = appointments.declare_unavailability(session, actor, agent.id, day, "riunione", now=now)
    session.commit()
    return made


def test_an_unavailability_for_the_27th_is_declared_by_the_19th_on_the_campaigns_clock(
    session: Session, olivia: Actor, campaign: Campaign
) -> None:
    agent = campaign.agents[0]
    # 19 October 23:59 in Rome (summer time) is 21:59 UTC; clocks go back on the 25th.
    declare(session, olivia, agent, "2026-10-27", now=utc("2026-10-19 21:59"))

    with pytest.raises(Refused) as refusal:
        declare(session, olivia, campaign.agents[1], "2026-10-27", now=utc("2026-10-19 22:00"))

    assert "2026-10-19" in str(refusal.value)
    assert refusal.value.field == "day"
    assert last_event(session, "agent.unavailable").outcome == Outcome.REFUSED


def test_the_same_day_cannot_be_declared_twice(
    session: Session, olivia: Actor, campaign: Campaign
) -> None:
    agent = campaign.agents[0]
    declare(session, olivia, agent, "2026-10-27", now=utc("2026-10-01 09:00"))

    with pytest.raises(Refused, match="already unavailable"):
        declare(session, olivia, agent, "2026-10-27", now=utc("2026-10-01 09:05"))


def test_a_day_the_agent_declared_unavailable_takes_no_booking_for_that_agent(
    session: Session, olivia: Actor, campaign: Campaign
) -> None:
    now = utc("2026-10-01 09:00")
    declare(session, olivia, campaign.agents[0], "2026-10-27", now=now)

    with pytest.raises(Refused, match="unavailable"):
        book(session, olivia, campaign, "2026-10-27 23:30", now=now)
    book(session, olivia, campaign, "2026-10-27 23:30", now=now, agent=1)
    book(session, olivia, campaign, "2026-10-28 00:30", now=now)


# --- a full campaign -----------------------------------------------------------------------


def test_the_booking_that_reaches_the_total_is_accepted_the_next_refused_renewal_reopens(
    session: Session, olivia: Actor, sam: Actor, organization: Organization
) -> None:
    campaign = make_campaign(session, organization, purchased=2)
    now = utc("2026-09-01 09:00")
    book(session, olivia, campaign, "2026-10-02 09:00", now)
    book(session, olivia, campaign, "2026-10-02 11:00", now)
    assert appointments.counters(session, campaign).full

    with pytest.raises(Refused) as refusal:
        book(session, olivia, campaign, "2026-10-02 15:00", now)
    assert "2 of 2" in str(refusal.value)

    appointments.renew(session, sam, campaign.id, 3)
    session.commit()
    book(session, olivia, campaign, "2026-10-02 15:00", now)

    boxes = appointments.counters(session, campaign)
    assert (boxes.purchased, boxes.taken, boxes.remaining, boxes.full) == (5, 3, 2, False)
    event = last_event(session, "campaign.renew")
    assert event.before == {"purchased": 2}
    assert event.after is not None and event.after["purchased"] == 5


def test_a_cancellation_frees_its_place_and_counts_as_one_to_recover(
    session: Session, olivia: Actor, organization: Organization
) -> None:
    campaign = make_campaign(session, organization, purchased=1)
    now = utc("2026-09-01 09:00")
    first = book(session, olivia, campaign, "2026-10-02 09:00", now)
    with pytest.raises(Refused, match="full"):
        book(session, olivia, campaign, "2026-10-02 11:00", now)

    appointments.cancel(session, olivia, first.id, now=now)
    session.commit()
    book(session, olivia, campaign, "2026-10-02 11:00", now)

    boxes = appointments.counters(session, campaign)
    assert (boxes.taken, boxes.cancelled, boxes.remaining) == (1, 1, 0)


def test_two_operators_booking_the_last_place_at_the_same_moment_never_overfill_it(
    session: Session,
    session_factory: sessionmaker[Session],
    olivia: Actor,
    organization: Organization,
) -> None:
    campaign = make_campaign(session, organization, purchased=3)
    now = utc("2026-09-01 09:00")
    book(session, olivia, campaign, "2026-10-02 09:00", now)
    book(session, olivia, campaign, "2026-10-02 10:00", now)
    start = threading.Barrier(2)
    wanted = {hour: booking(campaign, f"2026-10-03 {hour}:00") for hour in (11, 12)}

    def operator(hour: int) -> str:
        with session_factory() as own:
            start.wait()
            try:
                appointments.book(own, olivia, campaign.id, wanted[hour], now=now)
                own.commit()
                return "booked"
            except Refused as refusal:
                own.commit()  # the refusal's audit event
                return str(refusal)

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = [f.result(timeout=60) for f in [pool.submit(operator, h) for h in (11, 12)]]

    assert outcomes.count("booked") == 1
    assert any("full" in outcome for outcome in outcomes)
    assert appointments.counters(fresh(session), campaign).taken == 3
    booked = [e.outcome for e in events(session, "appointment.book")]
    assert booked.count(Outcome.SUCCESS) == 3 and booked.count(Outcome.REFUSED) == 1


def test_only_a_supervisor_renews_and_with_at_least_one_appointment(
    session: Session, olivia: Actor, sam: Actor, campaign: Campaign
) -> None:
    with pytest.raises(Forbidden):
        appointments.renew(session, olivia, campaign.id, 5)
    with pytest.raises(Refused) as refusal:
        appointments.renew(session, sam, campaign.id, 0)
    assert refusal.value.field == "added"
    session.commit()
    assert fresh(session).get(Campaign, campaign.id).purchased == 10


def test_a_renewal_from_a_stale_page_is_a_conflict(
    session: Session, sam: Actor, campaign: Campaign
) -> None:
    appointments.renew(session, sam, campaign.id, 5)
    session.commit()

    with pytest.raises(Conflict):
        appointments.renew(session, sam, campaign.id, 5, expected_version=1)


def test_someone_without_a_desk_role_books_nothing(session: Session, campaign: Campaign) -> None:
    with pytest.raises(Forbidden):
        book(session, Actor.system(), campaign, "2026-10-02 12:00", utc("2026-09-01 09:00"))


# --- confirm, postpone, cancel, done ---------------------------------------------------------


def test_confirming_and_postponing_are_allowed_at_any_time(
    session: Session, olivia: Actor, campaign: Campaign
) -> None:
    appointment = book(session, olivia, campaign, "2026-10-02 12:00", utc("2026-09-01 09:00"))
    a_minute_before = utc("2026-10-02 09:59")

    appointments.postpone(session, olivia, appointment.id, "2026-10-02 16:00", now=a_minute_before)
    session.commit()
    assert appointment.state == AppointmentState.POSTPONED
    assert appointment.starts_at == utc("2026-10-02 14:00")
    assert appointments.counters(session, campaign).to_confirm == 1

    appointments.confirm(session, olivia, appointment.id)
    session.commit()
    boxes = appointments.counters(session, campaign)
    assert (boxes.taken, boxes.confirmed, boxes.to_confirm) == (1, 1, 0)


def test_a_postponement_to_a_passed_time_is_refused(
    session: Session, olivia: Actor, campaign: Campaign
) -> None:
    appointment = book(session, olivia, campaign, "2026-10-02 12:00", utc("2026-09-01 09:00"))

    with pytest.raises(Refused, match="already passed"):
        appointments.postpone(
            session, olivia, appointment.id, "2026-10-01 12:00", now=utc("2026-10-01 11:00")
        )


@pytest.mark.parametrize(
    ("now", "accepted"),
    [("2026-10-24 06:59", True), ("2026-10-24 07:00", True), ("2026-10-24 07:01", False)],
)
def test_a_cancellation_is_accepted_up_to_2_days_before_across_the_clock_change(
    session: Session, olivia: Actor, campaign: Campaign, now: str, accepted: bool
) -> None:
    # 26 October 09:00 CET (08:00 UTC); two days before on the wall clock is 24 October
    # 09:00 CEST = 07:00 UTC, 49 real hours before, since the clocks go back on the 25th.
    appointment = book(session, olivia, campaign, "2026-10-26 09:00", utc("2026-09-01 09:00"))

    if accepted:
        appointments.cancel(session, olivia, appointment.id, now=utc(now))
        session.commit()
        assert fresh(session).get(Appointment, appointment.id).state == AppointmentState.CANCELLED
        return
    with pytest.raises(Refused) as refusal:
        appointments.cancel(session, olivia, appointment.id, now=utc(now))
    session.commit()
    assert "2 days" in str(refusal.value) and "2026-10-24 09:00" in str(refusal.value)
    assert fresh(session).get(Appointment, appointment.id).state == AppointmentState.TO_CONFIRM
    assert last_event(session, "appointment.cancel").outcome == Outcome.REFUSED


def test_a_cancelled_appointment_cannot_be_confirmed_or_cancelled_again(
    session: Session, olivia: Actor, campaign: Campaign
) -> None:
    now = utc("2026-09-01 09:00")
    appointment = book(session, olivia, campaign, "2026-10-02 12:00", now)
    appointments.cancel(session, olivia, appointment.id, now=now)
    session.commit()

    for change in (appointments.confirm, appointments.cancel):
        with pytest.raises(Refused, match="cancelled"):
            change(session, olivia, appointment.id)


def test_an_appointment_is_done_once_confirmed_and_started(
    session: Session, olivia: Actor, campaign: Campaign
) -> None:
    appointment = book(session, olivia, campaign, "2026-10-02 12:00", utc("2026-09-01 09:00"))
    with pytest.raises(Refused, match="to confirm"):
        appointments.mark_done(session, olivia, appointment.id, now=utc("2026-10-02 11:00"))
    appointments.confirm(session, olivia, appointment.id)
    with pytest.raises(Refused, match="after that"):
        appointments.mark_done(session, olivia, appointment.id, now=utc("2026-10-02 09:59"))

    appointments.mark_done(session, olivia, appointment.id, now=utc("2026-10-02 10:00"))
    session.commit()

    boxes = appointments.counters(session, campaign)
    assert (boxes.taken, boxes.confirmed, boxes.done, boxes.to_confirm) == (1, 1, 1, 0)


def test_a_change_from_a_stale_page_is_a_conflict_and_changes_nothing(
    session: Session, olivia: Actor, campaign: Campaign
) -> None:
    appointment = book(session, olivia, campaign, "2026-10-02 12:00", utc("2026-09-01 09:00"))
    appointments.confirm(session, olivia, appointment.id)
    session.commit()

    with pytest.raises(Conflict):
        appointments.cancel(session, olivia, appointment.id, expected_version=1)
    assert fresh(session).get(Appointment, appointment.id).state == AppointmentState.CONFIRMED


# --- reports ---------------------------------------------------------------------------------


def generate(session: Session, organization: Organization, seed: int) -> list[Campaign]:
    """Campaigns with agents in zones and appointments in every state, written directly."""
    rng = random.Random(seed)
    campaigns = []
    for n, zone in enumerate(("Europe/Rome", "Europe/Paris", "Europe/Amsterdam")):
        campaign = Campaign(
            organization=organization, name=f"C{n}", purchased=rng.randint(50, 90), time_zone=zone
        )
        campaign.agents = [
            Agent(name=f"Agent {n}-{i}", zone=f"Zone {i % 3}") for i in range(rng.randint(2, 5))
        ]
        session.add(campaign)
        session.flush()
        for _ in range(rng.randint(40, 120)):
            session.add(
                Appointment(
                    campaign_id=campaign.id,
                    agent_id=rng.choice(campaign.agents).id,
                    prospect="P",
                    address="A",
                    starts_at=utc("2026-09-01 00:00") + dt.timedelta(hours=rng.randint(0, 24 * 90)),
                    state=rng.choice(list(AppointmentState)),
                )
            )
        campaigns.append(campaign)
    session.commit()
    return campaigns


def _sum(rows: list[appointments.ReportRow]) -> dict[str, int]:
    names = ("taken", "confirmed", "to_confirm", "cancelled", "done")
    return {n: sum(getattr(r.counters, n) for r in rows) for n in names}


def test_the_reports_agree_with_the_campaign_counters_on_generated_data(
    session: Session, organization: Organization
) -> None:
    campaigns = generate(session, organization, seed=6)

    per_campaign = appointments.report(session, "campaign")
    assert [r.counters for r in per_campaign] == [
        appointments.counters(session, c) for c in campaigns
    ]
    for campaign in campaigns:
        states = dict(
            session.execute(
                select(Appointment.state, func.count())
                .where(Appointment.campaign_id == campaign.id)
                .group_by(Appointment.state)
            ).all()
        )
        boxes = appointments.counters(session, campaign)
        assert boxes == Counters.of(states, campaign.purchased)
        assert boxes.taken == boxes.confirmed + boxes.to_confirm
        assert boxes.taken + boxes.cancelled == sum(states.values())
        whole = _sum([r for r in per_campaign if r.campaign == campaign.name])
        groupings: tuple[Grouping, ...] = ("agent", "zone")
        for by in groupings:
            rows = appointments.report(session, by, campaign_id=campaign.id)
            assert _sum(rows) == whole
            assert all(r.counters.purchased is None for r in rows)


def test_a_reports_period_counts_the_appointments_starting_on_those_days_of_its_clock(
    session: Session, olivia: Actor, campaign: Campaign
) -> None:
    now = utc("2026-09-01 09:00")
    book(session, olivia, campaign, "2026-10-01 00:30", now)  # 30 September 22:30 UTC
    book(session, olivia, campaign, "2026-10-31 23:30", now)
    book(session, olivia, campaign, "2026-11-01 00:30", now)

    rows = appointments.report(
        session, "campaign", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)
    )

    assert rows[0].counters.taken == 2
    assert rows[0].counters.purchased == 10  # the whole campaign's, whatever the period
    assert rows[0].counters.remaining == 7


def test_every_appointment_action_writes_one_audit_event(
    session: Session, olivia: Actor, campaign: Campaign
) -> None:
    now = utc("2026-09-01 09:00")
    appointment = book(session, olivia, campaign, "2026-10-02 12:00", now)
    appointments.confirm(session, olivia, appointment.id)
    appointments.postpone(session, olivia, appointment.id, "2026-10-05 12:00", now=now)
    appointments.cancel(session, olivia, appointment.id, now=now)
    session.commit()

    actions = [
        e.action for e in fresh(session).scalars(select(AuditEvent).order_by(AuditEvent.seq))
    ]
    assert actions[-4:] == [
        "appointment.book",
        "appointment.confirm",
        "appointment.postpone",
        "appointment.cancel",
    ]
    postponed = last_event(session, "appointment.postpone")
    assert postponed.before is not None and postponed.after is not None
    assert postponed.before["state"] == "confirmed" and postponed.after["state"] == "postponed"


def test_a_postponement_onto_the_agents_unavailable_day_is_refused(
    session: Session, olivia: Actor, campaign: Campaign
) -> None:
    now = utc("2026-09-01 09:00")
    appointment = book(session, olivia, campaign, "2026-10-02 12:00", now)
    declare(session, olivia, campaign.agents[0], "2026-10-20", now=now)

    with pytest.raises(Refused, match="unavailable"):
        appointments.postpone(session, olivia, appointment.id, "2026-10-20 09:00", now=now)


def test_a_campaign_with_no_agent_says_who_adds_one(
    session: Session, olivia: Actor, organization: Organization
) -> None:
    empty = Campaign(organization=organization, name="Vuota", purchased=5)
    session.add(empty)
    session.commit()

    with pytest.raises(Refused, match="no agent yet"):
        appointments.book(
            session,
            olivia,
            empty.id,
            Booking(1, "Bar", "Via", "2026-10-02 12:00"),
            now=utc("2026-09-01 09:00"),
        )
