"""Appointment counters and reports on a large generated history.

Generates campaigns with agents in zones and appointments in every state (bulk-inserted into a
migrated SQLite file, or into the PostgreSQL database named by --database-url), then times:

- `counters`: one campaign's boxes, which the campaign page shows and every booking checks;
- `book`: a booking into the largest campaign, as an operator (lock, rules, counters, audit
  event, commit);
- `report` per campaign, per agent and per zone over every campaign, and per zone over one
  month.

Baseline: the same numbers from the appointments loaded as ORM objects and counted in Python,
what a view iterating a campaign's appointments does. Every figure is checked against the
baseline's; a difference stops the benchmark with a non-zero exit status. Prints the median
of the runs and the ratio baseline / counters or report.

    .venv/bin/python bench/appointments.py [--appointments 200000] [--campaigns 20]
                                           [--runs 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter as Tally
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session, sessionmaker

from actions import appointments
from actions.appointments import Booking, Counters, Grouping
from actions.context import Actor
from actions.operators import create_operator
from admin.db import make_engine, make_sessionmaker
from admin.migrate import upgrade
from models import Agent, Appointment, AppointmentState, Campaign, Organization, Role

BATCH = 10_000
GROUPS: tuple[Grouping, ...] = ("campaign", "agent", "zone")
AGENTS_PER_CAMPAIGN = 12
ZONES_PER_CAMPAIGN = 4
TIME_ZONES = ("Europe/Rome", "Europe/Paris", "Europe/Amsterdam")
# Most appointments of a long-running campaign are behind it.
STATES = [AppointmentState.DONE] * 6 + [
    AppointmentState.CONFIRMED,
    AppointmentState.TO_CONFIRM,
    AppointmentState.POSTPONED,
    AppointmentState.CANCELLED,
]


class Failed(Exception):
    """A figure differs from the baseline's."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


def generate(
    engine: Engine, factory: sessionmaker[Session], campaigns: int, total: int
) -> list[int]:
    rng = random.Random(6)
    with factory() as session:
        session.info["actor"] = Actor.system("bench")
        customer = Organization(name="Bench customer", company_code=f"B{uuid.uuid4().hex[:8]}")
        made = []
        for n in range(campaigns):
            campaign = Campaign(
                organization=customer,
                name=f"Campaign {n:03d}",
                purchased=total,  # never full: the booking benchmark must be accepted
                time_zone=TIME_ZONES[n % len(TIME_ZONES)],
            )
            campaign.agents = [
                Agent(name=f"Agent {n}-{i}", zone=f"Zone {n}-{i % ZONES_PER_CAMPAIGN}")
                for i in range(AGENTS_PER_CAMPAIGN)
            ]
            session.add(campaign)
            made.append(campaign)
        session.commit()
        agents = {c.id: [a.id for a in c.agents] for c in made}
    ids = list(agents)
    # The first campaign is the largest: a quarter of the appointments.
    weights = [len(ids)] + [1] * (len(ids) - 1)
    start = dt.datetime(2025, 1, 1)
    rows = []
    for i in range(total):
        campaign_id = rng.choices(ids, weights)[0]
        rows.append(
            {
                "campaign_id": campaign_id,
                "agent_id": rng.choice(agents[campaign_id]),
                "prospect": f"Prospect {i}",
                "address": "Via Roma 1",
                "starts_at": start + dt.timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60)),
                "state": rng.choice(STATES).value,
                "booked_at": start,
                "version": 1,
            }
        )
    with engine.begin() as conn:
        for first in range(0, total, BATCH):
            conn.execute(insert(Appointment.__table__), rows[first : first + BATCH])
    return ids


def baseline_counters(session: Session, campaign: Campaign) -> Counters:
    states = Tally(
        a.state
        for a in session.scalars(select(Appointment).where(Appointment.campaign_id == campaign.id))
    )
    return Counters.of(dict(states), campaign.purchased)


def baseline_report(
    session: Session, by: str, start: dt.date | None = None
) -> dict[tuple[str, str], Counters]:
    tallies: dict[tuple[str, str], Tally[AppointmentState]] = {}
    campaigns = {c.id: c for c in session.scalars(select(Campaign))}

    def label(campaign: Campaign, agent: Agent) -> str:
        return {"agent": str(agent), "zone": agent.zone}.get(by, campaign.name)

    for agent in session.scalars(select(Agent)):
        tallies.setdefault(
            (campaigns[agent.campaign_id].name, label(campaigns[agent.campaign_id], agent)), Tally()
        )
    for a in session.scalars(select(Appointment)):
        campaign = campaigns[a.campaign_id]
        if start is not None and appointments.local(campaign, a.starts_at).date() < start:
            continue
        if start is not None and appointments.local(campaign, a.starts_at).date() > _month_end(
            start
        ):
            continue
        tallies.setdefault((campaign.name, label(campaign, a.agent)), Tally())[a.state] += 1
    return {k: Counters.of(dict(v), None) for k, v in tallies.items()}


def _month_end(start: dt.date) -> dt.date:
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def median_ms(
    factory: sessionmaker[Session], runs: int, work: Callable[[Session], object]
) -> float:
    times = []
    for _ in range(runs):
        with factory() as session:
            started = time.perf_counter()
            work(session)
            session.commit()
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def run(url: str, campaigns: int, total: int, runs: int) -> None:
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    started = time.perf_counter()
    ids = generate(engine, factory, campaigns, total)
    print(
        f"generated {total:,} appointments in {campaigns} campaigns ({time.perf_counter() - started:.1f} s)"
    )
    with factory() as session:
        operator = create_operator(
            session,
            Actor.system("bench"),
            f"bench-{uuid.uuid4().hex[:6]}",
            "benchmark password",
            Role.OPERATOR,
        )
        session.commit()
        actor = Actor.of(operator)
        largest = session.get_one(Campaign, ids[0])
        ours, theirs = appointments.counters(session, largest), baseline_counters(session, largest)
        check(ours == theirs, f"counters {ours} differ from the baseline's {theirs}")
        for by in GROUPS[1:]:
            rows = appointments.report(session, by)
            expected = baseline_report(session, by)
            check(
                {(r.campaign, r.label): r.counters for r in rows} == expected,
                f"the report per {by} differs from the baseline's",
            )
        month = dt.date(2025, 6, 1)
        rows = appointments.report(session, "zone", start=month, end=_month_end(month))
        expected = baseline_report(session, "zone", start=month)
        check(
            {(r.campaign, r.label): r.counters for r in rows} == expected,
            "the report per zone over a month differs from the baseline's",
        )
        print(
            f"largest campaign: {ours.taken + ours.cancelled:,} appointments; figures equal the baseline's"
        )

    def counters(session: Session) -> object:
        return appointments.counters(session, session.get_one(Campaign, ids[0]))

    def counters_baseline(session: Session) -> object:
        return baseline_counters(session, session.get_one(Campaign, ids[0]))

    with factory() as session:
        agent_id = session.get_one(Campaign, ids[0]).agents[0].id
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)

    def book(session: Session) -> object:
        wall = later.strftime("%Y-%m-%d %H:%M")
        return appointments.book(
            session, actor, ids[0], Booking(agent_id, "Bench", "Via Po 1", wall)
        )

    lines = [
        (
            "counters of the largest campaign",
            median_ms(factory, runs, counters),
            median_ms(factory, runs, counters_baseline),
        ),
        ("book into the largest campaign", median_ms(factory, runs, book), None),
    ]
    for by in GROUPS:
        lines.append(
            (
                f"report per {by}, all campaigns",
                median_ms(factory, runs, functools.partial(appointments.report, by=by)),
                median_ms(factory, max(1, runs // 2), functools.partial(baseline_report, by=by)),
            )
        )
    lines.append(
        (
            "report per zone, one month",
            median_ms(
                factory,
                runs,
                lambda s: appointments.report(s, "zone", start=month, end=_month_end(month)),
            ),
            median_ms(
                factory, max(1, runs // 2), lambda s: baseline_report(s, "zone", start=month)
            ),
        )
    )
    print(f"{'median of ' + str(runs) + ' runs':<36} {'ours':>10} {'baseline':>12} {'ratio':>8}")
    for name, ours_ms, base_ms in lines:
        ratio = f"{base_ms / ours_ms:7.1f}x" if base_ms else "       -"
        base = f"{base_ms:9.1f} ms" if base_ms else " " * 12
        print(f"{name:<36} {ours_ms:7.1f} ms {base} {ratio}")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appointments", type=int, default=200_000)
    parser.add_argument("--campaigns", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    try:
        if args.database_url:
            upgrade(args.database_url)
            run(args.database_url, args.campaigns, args.appointments, args.runs)
            return
        with tempfile.TemporaryDirectory() as directory:
            url = f"sqlite:///{directory}/bench.db"
            upgrade(url)
            run(url, args.campaigns, args.appointments, args.runs)
    except Failed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
