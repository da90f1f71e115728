"""Server time of the pages a desk opens all day: the members list, a member's page and the
lookup box, one request at a time.

Generates its own data (the demo data of `python main.py demo` in a migrated SQLite file, or
in the empty PostgreSQL database named by --database-url), drives the real ASGI app
in-process with a signed-in operator, and prints per kind of page the median and the 95th
percentile of the server time (from the request entering the app to the last byte of the
answer, without the test client's own time) and the SQL statements per request. Then it
adds members and prints how the members list grows with its page size (10/25/50/100).

Baseline (--baseline): `stock`, the same pages served by starlette-admin's stock
`ModelView(Member)` on the same database (see bench/member_list.py), which has no row
actions, no diagnosis and no lookup box; or `uncached`, Sportello itself with what
views/rendering.py keeps between requests turned off (templates checked for changes on every
render, Jinja's LRU template cache, every URL looked up route by route). Ratio = Sportello
CPU / baseline CPU (lower is better).

    .venv/bin/python bench/pages.py [--requests 200] [--curve-members 500]
                                    [--baseline stock|uncached]
                                    [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jinja2.utils import LRUCache
from sqlalchemy import Engine, event, func, insert, select
from starlette.applications import Starlette
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette_admin import helpers

from actions.context import Actor
from actions.operators import create_operator
from admin.app import build_app
from admin.db import make_engine, make_sessionmaker
from admin.demo import load_demo_data
from admin.migrate import upgrade
from admin.settings import load
from bench.member_list import PASSWORD, login, stock_app
from models import Member, MemberState, Operator, Organization, Role

PAGE_SIZES = (10, 25, 50, 100)
SEARCHES = ["rossi", "bianchi", "mario", "ve"]
STOCK_KEY = "member"  # starlette-admin's own key for the members view (bench/member_list.py)
EXTRA_TAX_PREFIX = "PAGESBENCH"  # the members this benchmark adds for the page-size curve


class ServerTime:
    """ASGI wrapper that records how long the app took to answer each request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.last = 0.0
        self.last_cpu = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            await self.app(scope, receive, send)
        finally:
            self.last = time.perf_counter() - started
            self.last_cpu = time.process_time() - cpu


class StatementCount:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.count = 0

    def _one(self, *_args: object) -> None:
        self.count += 1

    def __enter__(self) -> StatementCount:
        event.listen(self.engine, "before_cursor_execute", self._one)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._one)


@dataclass
class Result:
    median: float
    p95: float
    cpu: float
    statements: float

    def cells(self) -> str:
        return "".join(
            [
                f"{self.median * 1000:>9.1f}ms{self.p95 * 1000:>8.1f}ms",
                f"{self.cpu * 1000:>8.1f}ms{self.statements:>6.1f}",
            ]
        )


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def measure(
    client: TestClient, timer: ServerTime, engine: Engine, urls: Iterator[str], requests: int
) -> Result:
    headers = {"HX-Request": "true"} if "lookup" in (first := next(urls)) else {}
    for _ in range(5):  # warm-up: templates compiled, caches filled
        assert client.get(first, headers=headers).status_code == 200, first
    timings: list[float] = []
    cpu: list[float] = []
    with StatementCount(engine) as statements:
        for url in itertools.islice(urls, requests):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, (url, response.status_code)
            timings.append(timer.last)
            cpu.append(timer.last_cpu)
    return Result(
        statistics.median(timings),
        p95(timings),
        statistics.median(cpu),
        statements.count / requests,
    )


def prepare(engine: Engine) -> None:
    """The demo data and an operator to sign in with (idempotent)."""
    factory = make_sessionmaker(engine)
    with factory() as session:
        load_demo_data(session, PASSWORD)
        if session.scalar(select(Operator).where(Operator.username == "bench")) is None:
            create_operator(session, Actor.system("bench"), "bench", PASSWORD, Role.OPERATOR)
        session.commit()


def add_members(engine: Engine, total: int) -> int:
    """Members up to `total`, bulk loaded outside the audited ORM path; returns the count."""
    with engine.begin() as conn:
        have = conn.scalar(select(func.count(Member.id))) or 0
        added = conn.scalar(
            select(func.count(Member.id)).where(Member.tax_code.like(f"{EXTRA_TAX_PREFIX}%"))
        )
        org_ids = conn.scalars(select(Organization.id).order_by(Organization.id)).all()
        states = list(MemberState)
        rows = [
            {
                "organization_id": org_ids[i % len(org_ids)],
                "first_name": f"Name{i}",
                "last_name": f"Surname{i:06d}",
                "birth_date": dt.date(1970 + i % 40, 1 + i % 12, 1 + i % 28),
                "tax_code": f"{EXTRA_TAX_PREFIX}{i:06d}",
                "email": None if i % 11 == 0 else f"pages{i}@example.org",
                "state": states[i % len(states)].value,
                "version": 1,
                "created_at": dt.datetime(2026, 1, 1),
            }
            for i in range(added or 0, (added or 0) + max(0, total - have))
        ]
        if rows:
            conn.execute(insert(Member.__table__), rows)
        return int(conn.scalar(select(func.count(Member.id))) or 0)


def uncached(app: Starlette) -> Starlette:
    """`app` with what views/rendering.py keeps between requests turned off."""
    env = app.state.templates.env
    env.auto_reload = True
    env.cache = LRUCache(400)  # Jinja's default
    del env.make_globals  # back to Environment.make_globals
    env.globals["static_url"] = helpers.static_url
    del app.router.url_path_for  # back to Router.url_path_for
    return app


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument(
        "--baseline-requests", type=int, default=50, help="timed requests per stock page"
    )
    parser.add_argument("--curve-members", type=int, default=500)
    parser.add_argument("--baseline", choices=["stock", "uncached"], default="stock")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/pages.db"
        upgrade(url)
        engine = make_engine(url)
        prepare(engine)
        settings = load(
            {"DATABASE_URL": url, "SECRET_KEY": "s" * 40, "HTMX_URL": "/static/vendor/htmx.min.js"}
        )
        ours_timer = ServerTime(build_app(settings, engine=engine))
        ours = TestClient(ours_timer)
        login(ours)
        if args.baseline == "stock":
            stock_timer = ServerTime(stock_app(engine))
            stock = TestClient(stock_timer)
        else:
            stock_timer = ServerTime(uncached(build_app(settings, engine=engine)))
            stock = TestClient(stock_timer)
            login(stock)

        with engine.connect() as conn:
            members = conn.scalar(select(func.count(Member.id)))
            ids = list(conn.scalars(select(Member.id).order_by(Member.id).limit(20)))
            sample = conn.execute(
                select(Member.email, Member.tax_code, Member.last_name)
                .where(Member.email.is_not(None), Member.tax_code.is_not(None))
                .order_by(Member.id)
                .limit(5)
            ).all()
        queries = [*[v for row in sample for v in row][:12], "ros", "mario", "C0000"]

        base_key = STOCK_KEY if args.baseline == "stock" else "members"

        def compare(name: str, path: str, values: list[Any], baseline: bool = True) -> None:
            """Time `path` (with {key} the view's key, {v} each of `values` in turn)."""
            urls = itertools.cycle([path.format(key="members", v=v) for v in values])
            result = measure(ours, ours_timer, engine, urls, args.requests)
            line = f"{name:<28}{result.cells()}"
            if baseline:
                urls = itertools.cycle([path.format(key=base_key, v=v) for v in values])
                base = measure(stock, stock_timer, engine, urls, args.baseline_requests)
                line += f"{base.cells()}{result.cpu / base.cpu:>7.2f}"
            print(line, flush=True)

        base_name = args.baseline[:5]
        header = (
            f"{'':<28}{'median':>11}{'p95':>10}{'CPU':>10}{'SQL':>6}"
            f"{base_name + ' med.':>11}{'p95':>10}{'CPU':>10}{'SQL':>6}{'ratio':>7}"
        )
        print(
            f"{members} members (demo data), {engine.dialect.name}, {args.requests} requests per "
            f"page, one at a time ({platform.machine()}, {os.cpu_count()} cores)"
        )
        print(header)
        compare("members list", "/admin/{key}/list", [None])
        compare("members list, search", "/admin/{key}/list?q={v}", SEARCHES)
        compare("members list, one row", "/admin/_api/{key}/inline-edit/row?pk={v}", ids)
        compare("member page", "/admin/{key}/detail?pk={v}", ids)
        compare("lookup", "/admin/lookup?q={v}", queries, baseline=args.baseline == "uncached")

        total = add_members(engine, args.curve_members)
        print(f"\nmembers list by page size, {total} members")
        print(header.replace(f"{'':<28}", f"{'page size':<28}", 1))
        for size in PAGE_SIZES:
            compare(str(size), f"/admin/{{key}}/list?page_size={size}", [None])
        print(
            "median, p95 = server time, from the request entering the ASGI app to its last "
            "byte; CPU = median processor time of those requests (steadier than the server "
            "time on a busy machine); SQL = statements per request (Sportello's include the "
            "session check); ratio = Sportello CPU / baseline CPU (lower is better); "
            + (
                "baseline: stock starlette-admin ModelView(Member), without row actions, "
                "diagnosis or lookup box."
                if args.baseline == "stock"
                else "baseline: Sportello with the templates checked for changes on every "
                "render, Jinja's LRU template cache and every URL looked up route by route."
            )
        )
        engine.dispose()


if __name__ == "__main__":
    main()
