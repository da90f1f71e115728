"""The supervisor's audit trail (`/admin/audit/list`) at a million events: its first page,
each one-click filter alone, filters combined and a deep page, through the ASGI app as a
supervisor, against the baseline of the stock starlette-admin list: its search for an
operator (what a supervisor had to type, then Enter, before the trail had filters).

Generates its own data with bench/audit_list.py's generator (20 operators, 15 actions, one
event a minute from 2024-01-01, one in 20 refused), then copies its last day of events to
end now, so that the time windows (last hour, today, last 7 days) find events. Prints the
median and 95th percentile of each page, its SQL statements, and the ratio baseline / page;
with --explain, the plan of each page's query.

    .venv/bin/python bench/audit_trail.py [--events 1000000] [--repeat 20] [--stock-repeat 3]
        [--database-url postgresql+psycopg://user:password@127.0.0.1:5432/empty_database]
        [--explain]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit_list import populate
from member_list import analyse, explain, login, measure, stock_app
from sqlalchemy import Engine, bindparam, text
from starlette.testclient import TestClient

from admin.app import build_app
from admin.db import make_engine
from admin.migrate import upgrade
from admin.settings import load

TRAIL = "/admin/audit/list"
DAY = 1440  # the generator writes one event a minute
BASELINE = ("stock list, search 'op03'", "/admin/audit-event/list?q=op03")


def pages(events: int) -> dict[str, str]:
    middle = events // 2
    return {
        "first page": TRAIL,
        "operator": f"{TRAIL}?operator=op03",
        "action": f"{TRAIL}?action=ticket.close",
        "outcome refused": f"{TRAIL}?outcome=refused",
        "outcome error (none)": f"{TRAIL}?outcome=error",
        "record": f"{TRAIL}?entity_type=member&entity_id=1234",
        "last hour": f"{TRAIL}?window=hour",
        "today": f"{TRAIL}?window=today",
        "last 7 days": f"{TRAIL}?window=7d",
        "range of a week (2025)": f"{TRAIL}?since=2025-03-01&until=2025-03-07",
        "operator + last hour": f"{TRAIL}?operator=op03&window=hour",
        "operator + action": f"{TRAIL}?operator=op03&action=ticket.close",
        "operator + action (none)": f"{TRAIL}?operator=op03&action=ticket.reply",
        "refused + 7 days": f"{TRAIL}?outcome=refused&window=7d",
        f"deep page (before={middle:,})": f"{TRAIL}?before={middle}",
        "operator, deep page": f"{TRAIL}?operator=op03&before={middle}",
    }


def end_now(engine: Engine) -> None:
    """The generated trail's last day again, moved to end a minute ago (new sequence
    numbers after the last one): the trail's newest events are recent, as in use."""
    shift = "strftime('%Y-%m-%d %H:%M:%f', at, '+' || :seconds || ' seconds')"
    if engine.dialect.name == "postgresql":
        shift = "at + make_interval(secs => :seconds)"
    columns = "operator_id, operator_username, operator_role, ip, user_agent, request_id, "
    columns += "action, entity_type, entity_id, outcome, message, prev_hash, hash"
    with engine.begin() as conn:
        last_seq, last_at = conn.execute(
            text("SELECT seq, at FROM audit_event ORDER BY seq DESC LIMIT 1")
        ).one()
        if isinstance(last_at, str):
            last_at = dt.datetime.fromisoformat(last_at)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        seconds = int((now - last_at).total_seconds()) - 60
        conn.execute(
            text(
                f"INSERT INTO audit_event (seq, at, {columns}) "
                f"SELECT seq + {DAY}, {shift}, {columns} FROM audit_event WHERE seq > :first"
            ).bindparams(bindparam("seconds", seconds), bindparam("first", last_seq - DAY))
        )
    analyse(engine)


def shown_rows(client: TestClient, url: str) -> int:
    return client.get(url).text.count('data-testid="trail-row"')


def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        database_url = args.database_url or f"sqlite:///{tmp}/bench.db"
        upgrade(database_url)
        engine = make_engine(database_url)
        started = time.perf_counter()
        populate(engine, args.events)
        end_now(engine)
        loaded = time.perf_counter() - started
        settings = load(
            {
                "DATABASE_URL": database_url,
                "SECRET_KEY": "s" * 40,
                "HTMX_URL": "/static/vendor/htmx.min.js",
            }
        )
        ours = TestClient(build_app(settings, engine=engine))
        login(ours)
        total = args.events + DAY
        print(
            f"{total:,} audit events on {engine.dialect.name} (loaded in {loaded:.0f} s); "
            f"ms per page: median / p95 of {args.repeat} requests (baseline: {args.stock_repeat})"
        )
        baseline = None
        if args.stock_repeat:
            name, url = BASELINE
            baseline, p95, queries = measure(
                TestClient(stock_app(engine)), engine, url, args.stock_repeat
            )
            print(f"baseline, {name}: {baseline:.0f} / {p95:.0f} ms, {queries} statements")
        print(f"{'page':<30}{'ms':>16}{'queries':>9}{'rows':>6}{'baseline/page':>15}")
        for name, url in pages(args.events).items():
            median, p95, queries = measure(ours, engine, url, args.repeat)
            ratio = f"{baseline / median:>14.0f}x" if baseline else f"{'-':>15}"
            rows = shown_rows(ours, url)
            print(f"{name:<30}{median:>7.1f} / {p95:<6.1f}{queries:>9}{rows:>6}{ratio}")
        print("queries: SQL statements per page, the session check and the filters' choices")
        print("included (the choices: 3 statements, each skipping through an index)")
        if args.explain:
            for url in pages(args.events).values():
                explain(ours, engine, url)
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--stock-repeat", type=int, default=3, help="requests of the baseline (0: skip it)"
    )
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--explain", action="store_true", help="print the plan of each page")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
