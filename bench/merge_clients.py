"""Merging a client with many events: preview, merge and undo against a per-event ORM move.

Generates, for each run, a source client with N events and a target client with a few events
of its own in a migrated SQLite file, or in the PostgreSQL database named by --database-url,
then times the real actions of `actions.merge_clients` as an operator: `preview`, `merge`
(with the event ids the preview showed, one transaction with its audit event, committed) and
`undo_merge` (committed). After each merge every event must be on the target, after each undo
every event back on the source, or the benchmark stops with a non-zero exit status.

Baseline: the same move done one event at a time on the same data, the way a generic admin
edit does it: each ClientEvent loaded as an ORM object and its client_id set, then one flush
and one commit, in one transaction. Through the console's session that also writes the audit
trail's one event per changed row. Prints the median of the runs and the ratio baseline / merge.

    .venv/bin/python bench/merge_clients.py [--events 10000] [--runs 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from actions.context import Actor
from actions.merge_clients import ask_merge, merge, undo_merge
from actions.operators import create_operator
from actions.steps import Proof
from admin.db import make_engine, make_sessionmaker
from admin.migrate import upgrade
from models import AuditEvent, Client, ClientEvent, ClientMerge, EventKind, Role, utcnow

PASSWORD = "benchmark password"
TARGET_EVENTS = 25  # the target's own events, which must stay where they are
BATCH = 5_000


class Failed(Exception):
    """A merge, an undo or the baseline did not leave the events where they belong."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


def operator(factory: sessionmaker[Session], tag: str) -> Actor:
    with factory() as session:
        made = create_operator(
            session, Actor.system("bench"), f"bench-{tag}", PASSWORD, Role.OPERATOR
        )
        session.commit()
        return Actor.of(made, ip="127.0.0.1", user_agent="bench", request_id=f"bench-{tag}")


def make_pair(
    engine: Engine, factory: sessionmaker[Session], tag: str, run: int, events: int
) -> tuple[int, int, str, list[int]]:
    """A source client with `events` events and a target with its own: their ids, the
    target's number and the source's event ids."""
    with factory() as session:
        session.info["actor"] = Actor.system("bench")
        source = Client(
            client_number=f"S{tag}{run:02d}",
            legal_name=f"Mairie de Toulon Ouest {tag} {run}",
            email="ouest@toulon.example",
        )
        target = Client(
            client_number=f"T{tag}{run:02d}",
            legal_name=f"Mairie de Toulon {tag} {run}",
            email="mairie@toulon.example",
        )
        session.add_all([source, target])
        session.commit()
        source_id, target_id, target_number = source.id, target.id, target.client_number
    created = dt.datetime(2026, 1, 1)
    kinds = list(EventKind)
    rows = [
        {
            "client_id": source_id,
            "kind": kinds[i % len(kinds)].value,
            "description": f"request {i} of the source",
            "requester_email": f"requester{i % 97}@toulon.example",
            "created_at": created + dt.timedelta(minutes=i),
        }
        for i in range(events)
    ] + [
        {
            "client_id": target_id,
            "kind": EventKind.OTHER.value,
            "description": f"request {i} of the target",
            "requester_email": None,
            "created_at": created,
        }
        for i in range(TARGET_EVENTS)
    ]
    with engine.begin() as conn:  # bulk load, outside the audited ORM path
        for start in range(0, len(rows), BATCH):
            conn.execute(insert(ClientEvent.__table__), rows[start : start + BATCH])
    with factory() as session:
        moving = events_of(session, source_id)
    check(len(moving) == events, f"generated {len(moving)} events instead of {events}")
    return source_id, target_id, target_number, moving


def events_of(session: Session, client_id: int) -> list[int]:
    return list(
        session.scalars(
            select(ClientEvent.id)
            .where(ClientEvent.client_id == client_id)
            .order_by(ClientEvent.id)
        )
    )


def audit_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def timed(factory: sessionmaker[Session], work: Callable[[Session], object]) -> float:
    """Seconds for `work` in a session of its own, commit included."""
    with factory() as session:
        started = time.perf_counter()
        work(session)
        session.commit()
        return time.perf_counter() - started


def naive_load(session: Session, event_ids: list[int], source_id: int, target_id: int) -> None:
    """The baseline: every event loaded as an ORM object and moved one by one. Without
    autoflush, so that the changes go out in the one flush that follows."""
    with session.no_autoflush:
        for event_id in event_ids:
            event = session.get_one(ClientEvent, event_id)
            event.client_id = target_id
        source = session.get_one(Client, source_id)
        source.merged_into_id, source.merged_at = target_id, utcnow()


def run_once(
    engine: Engine, factory: sessionmaker[Session], actor: Actor, tag: str, run: int, events: int
) -> dict[str, float]:
    source_id, target_id, target_number, moving = make_pair(engine, factory, tag, run, events)
    with factory() as session:
        target_own = events_of(session, target_id)
    figures: dict[str, float] = {}

    seen: list[int] = []
    steps: list[str] = []
    key = "bench-" + "k" * 32

    def look(session: Session) -> None:
        plan = ask_merge(session, actor, source_id, target_number, key)
        seen.extend(plan.moving_event_ids)
        steps.append(plan.step)

    figures["preview"] = timed(factory, look)
    check(seen == moving, f"the preview shows {len(seen)} moving events, not {events}")

    figures["merge"] = timed(
        factory,
        lambda s: merge(s, actor, source_id, target_number, Proof(steps[-1], key)),
    )
    with factory() as session:
        check(events_of(session, source_id) == [], "events were left on the source")
        on_target = events_of(session, target_id)
        check(
            len(on_target) == events + len(target_own) and set(moving) <= set(on_target),
            f"after the merge the target has {len(on_target)} events, not {events + len(target_own)}",
        )
        record = session.scalars(
            select(ClientMerge).where(ClientMerge.source_id == source_id)
        ).one()
        check(sorted(record.moved_event_ids) == moving, "the merge record lost moved events")
        audit = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "client.merge", AuditEvent.entity_id == str(source_id))
            .order_by(AuditEvent.seq.desc())
            .limit(1)
        ).first()
        check(
            audit is not None and len((audit.after or {}).get("moved_event_ids", [])) == events,
            "no audit event names the moved events",
        )

    figures["undo"] = timed(factory, lambda s: undo_merge(s, actor, source_id))
    with factory() as session:
        check(events_of(session, source_id) == moving, "the undo did not move every event back")
        check(events_of(session, target_id) == target_own, "the undo moved the target's events")
        audit_before = audit_count(session)

    with factory() as session:  # the baseline, on the same data, timed by phase
        session.info["actor"] = actor
        started = time.perf_counter()
        naive_load(session, moving, source_id, target_id)
        loaded = time.perf_counter()
        session.flush()
        flushed = time.perf_counter()
        session.commit()
        figures["baseline"] = time.perf_counter() - started
        figures["baseline load"] = loaded - started
        figures["baseline flush"] = flushed - loaded
        figures["baseline commit"] = figures["baseline"] - (flushed - started)
    with factory() as session:
        check(events_of(session, source_id) == [], "the baseline left events on the source")
        check(
            len(events_of(session, target_id)) == events + len(target_own),
            "the baseline lost events",
        )
        figures["baseline audit rows"] = audit_count(session) - audit_before
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    tag = uuid.uuid4().hex[:6].upper()  # a database given by URL may be used more than once
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/merge.db"
        upgrade(url)
        engine = make_engine(url)
        factory = make_sessionmaker(engine)
        actor = operator(factory, tag.lower())
        print(
            f"merging a client with {args.events} events, {args.runs} runs "
            f"({engine.dialect.name}, {platform.processor() or platform.machine()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()})"
        )
        runs: list[dict[str, float]] = []
        try:
            for run in range(args.runs):
                runs.append(run_once(engine, factory, actor, tag, run, args.events))
                print(
                    f"  run {run + 1}: preview {runs[-1]['preview'] * 1000:.0f} ms, "
                    f"merge {runs[-1]['merge'] * 1000:.0f} ms, undo {runs[-1]['undo'] * 1000:.0f} ms, "
                    f"per-event baseline {runs[-1]['baseline'] * 1000:.0f} ms"
                )
        except Failed as failure:
            print(f"FAILED: {failure}", file=sys.stderr)
            sys.exit(1)
        finally:
            engine.dispose()

    def median(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    print(f"{'median of ' + str(len(runs)) + ' runs':<34}{'ms':>10}")
    for label, key in (
        ("preview", "preview"),
        ("merge (one transaction, audited)", "merge"),
        ("undo", "undo"),
        ("per-event ORM move (baseline)", "baseline"),
        ("  loading and setting each event", "baseline load"),
        ("  the flush", "baseline flush"),
        ("  the commit (audit rows written)", "baseline commit"),
    ):
        print(f"{label:<34}{median(key) * 1000:>10.1f}")
    print(
        f"ratio baseline / merge: {median('baseline') / median('merge'):.1f}x; "
        f"baseline / (preview + merge): {median('baseline') / (median('preview') + median('merge')):.1f}x. "
        f"Every merge left all {args.events} events on the target and every undo put them back; "
        f"the baseline also wrote {median('baseline audit rows'):.0f} audit events (one per row) "
        "where the merge writes one."
    )


if __name__ == "__main__":
    main()
