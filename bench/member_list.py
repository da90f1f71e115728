"""Member list page: Sportello's view against starlette-admin's stock ModelView.

Generates its own data (a migrated database with N members, made by one INSERT ... SELECT),
then times through the ASGI app the first list page, deep pages, searches and a sort, and
counts the SQL statements each page issues. Baseline: the same pages served by a stock
`starlette_admin.contrib.sqla.ModelView(Member)` with no custom query (exact count, OFFSET,
`ILIKE '%term%'` over every text field).

Surnames are made of three syllables (4,000 of them, "Rossi", "Rossini", "Ferrari", ...):
"rossi" starts about 0.25% of the surnames, as a common surname does; "ros" about 5%.

    .venv/bin/python bench/member_list.py [--members 1000000] [--repeat 20] [--stock-repeat 3]
        [--database-url postgresql+psycopg://user:password@127.0.0.1:5432/empty_database]

SQLite by default (a temporary file); with --database-url, an empty PostgreSQL database.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import re
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Date, Engine, bindparam, event, text
from starlette.applications import Starlette
from starlette.testclient import TestClient
from starlette_admin.contrib.sqla import Admin, ModelView

from actions.context import Actor
from actions.operators import create_operator
from admin.app import build_app
from admin.db import make_engine, make_sessionmaker
from admin.migrate import upgrade
from admin.settings import load
from models import Base, Organization, Role
from models.base import UTCDateTime

PASSWORD = "benchmark password"
PAGE_SIZE = 10  # starlette-admin's default page size
FIRST = ["Ros", "Bian", "Fer", "Rus", "Col", "Ric", "Esp", "Rom", "Gal", "Con"]
FIRST += ["Mar", "Gre", "Bru", "Lom", "Gio", "Mor", "Vit", "Cos", "Fon", "Leo"]
MIDDLE = ["si", "chi", "ra", "so", "lo", "ci", "po", "ma", "ti", "no"]
MIDDLE += ["ne", "de", "ri", "ga", "va", "be", "te", "sa", "li", "ro"]
LAST = ["", "ni", "llo", "tti", "ri", "na", "ndi", "sco", "zzi", "ni"]
GIVEN = ["Mario", "Anna", "Luca", "Giulia", "Marco", "Sara", "Paolo", "Elena", "Andrea", "Chiara"]
GIVEN += ["Franco", "Laura", "Davide", "Marta", "Stefano", "Sofia", "Matteo", "Alice", "Pietro"]


def pages(members: int) -> dict[str, str]:
    last = -(-members // PAGE_SIZE)
    return {
        "first page": "/admin/members/list",
        "page 20,000": "/admin/members/list?page=20000",
        f"last page ({last})": f"/admin/members/list?page={last}",
        "search 'rossi'": "/admin/members/list?q=rossi",
        "search 'ros'": "/admin/members/list?q=ros",
        "search 'mario rossi'": "/admin/members/list?q=mario+rossi",
        "search e-mail": "/admin/members/list?q=anna.brusi12",
        "search tax code": "/admin/members/list?q=TAX0000005000",
        "search, page 50": "/admin/members/list?q=rossi&page=50",
        "sort by e-mail": "/admin/members/list?sort=email__asc",
    }


def pick(engine: Engine, values: list[str], index: str) -> str:
    """SQL for `values[index % len(values)]`."""
    index = f"({index}) % {len(values)}"
    if engine.dialect.name == "postgresql":
        quoted = ", ".join(f"'{v}'" for v in values)
        return f"(ARRAY[{quoted}])[1 + {index}]"
    quoted = ", ".join(f'"{v}"' for v in values)
    return f"json_extract('[{quoted}]', '$[' || ({index}) || ']')"


def numbers(engine: Engine, count: int) -> str:
    """A `n(i)` source of 0 .. count-1, in the engine's SQL."""
    if engine.dialect.name == "postgresql":
        return f"n(i) AS (SELECT generate_series(0, {count - 1}))"
    return f"n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {count - 1})"


def padded(engine: Engine, expression: str, width: int) -> str:
    if engine.dialect.name == "postgresql":
        return f"lpad(CAST({expression} AS TEXT), {width}, '0')"
    return f"printf('%0{width}d', {expression})"


def populate(engine: Engine, members: int) -> None:
    """N members in 20 organisations, by one INSERT ... SELECT (outside the audited ORM
    path), the derived lookup keys included."""
    factory = make_sessionmaker(engine)
    with factory() as session:
        session.info["actor"] = Actor.system("bench")
        create_operator(session, Actor.system("bench"), "bench", PASSWORD, Role.SUPERVISOR)
        orgs = [Organization(name=f"Org {i}", company_code=f"ORG{i}") for i in range(20)]
        session.add_all(orgs)
        session.commit()
        first_org = min(o.id for o in orgs)
    last = " || ".join(
        [
            pick(engine, FIRST, "n.i"),
            pick(engine, MIDDLE, "n.i / 20"),
            pick(engine, LAST, "n.i / 400"),
        ]
    )
    states = "CASE p.i % 4 WHEN 0 THEN 'incomplete' WHEN 1 THEN 'pending' "
    states += "WHEN 2 THEN 'validated' ELSE 'rejected' END"
    insert = f"""
        WITH RECURSIVE {numbers(engine, members)},
        p AS (
            SELECT n.i, {pick(engine, GIVEN, "n.i / 7")} AS first_name, {last} AS last_name
            FROM n
        )
        INSERT INTO member (organization_id, first_name, last_name, birth_date, tax_code,
            address, email, search_name, search_name_reversed, state, version, created_at)
        SELECT {first_org} + p.i % 20, p.first_name, p.last_name, :born,
            'TAX' || {padded(engine, "p.i", 10)}, 'Via Roma ' || CAST(p.i AS TEXT),
            lower(p.first_name || '.' || p.last_name || CAST(p.i AS TEXT)) || '@example.org',
            lower(p.last_name || ' ' || p.first_name),
            lower(p.first_name || ' ' || p.last_name),
            {states}, 1, :created
        FROM p
    """
    with engine.begin() as conn:
        conn.execute(
            text(insert).bindparams(
                bindparam("born", dt.date(1980, 1, 1), Date()),
                bindparam("created", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), UTCDateTime()),
            )
        )
    analyse(engine)


def analyse(engine: Engine) -> None:
    """PostgreSQL's autovacuum would get there: statistics and the visibility map (for
    index-only scans). SQLite is left as the application leaves it (no ANALYZE)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))


def stock_app(engine: Engine) -> Starlette:
    """A stock view of every table (each relation finds the view it points at), at
    starlette-admin's own keys ("member", "audit-event")."""
    app = Starlette()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        admin = Admin(engine, secret_key="b" * 40)
    for mapper in sorted(Base.registry.mappers, key=lambda m: m.class_.__name__):
        admin.add_view(ModelView(mapper.class_))
    admin.mount_to(app)
    return app


@contextlib.contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def measure(client: TestClient, engine: Engine, url: str, repeat: int) -> tuple[float, float, int]:
    """Median and 95th percentile (ms) of `repeat` requests, and SQL statements per page."""
    client.get(url)  # warm-up
    timings = []
    with statements(engine) as seen:
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    p95 = sorted(timings)[max(0, -(-len(timings) * 95 // 100) - 1)]
    return statistics.median(timings), p95, len(seen) // repeat


def explain(client: TestClient, engine: Engine, url: str) -> None:
    """The plan of the statement that reads the page's ids (the first to name ORDER BY)."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: object, _cursor: object, statement: str, parameters: Any, *_: object) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    statement, parameters = next((s, p) for s, p in seen if "ORDER BY" in s)
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + statement, parameters).all()
    print(f"  plan of {url}:")
    for row in rows:
        print(f"      {row[-1]}")


def login(client: TestClient, username: str = "bench") -> None:
    page = client.get("/admin/login")
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text)
    assert token
    client.post(
        "/admin/login",
        data={"username": username, "password": PASSWORD, "csrftoken": token.group(1)},
    )


def shown_total(html: str) -> str:
    """What the page says of the total ("Showing 1 to 10 of ... entries")."""
    found = re.search(r"Showing[^<]*entries", html)
    return " ".join(found.group(0).split()) if found else "?"


def compare(
    *,
    label: str,
    url: str | None,
    rows: int,
    populate_with: Callable[[Engine, int], None],
    key: str,
    stock_key: str,
    page_urls: dict[str, str],
    repeat: int,
    stock_repeat: int,
    plans: bool = False,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        database_url = url or f"sqlite:///{tmp}/bench.db"
        upgrade(database_url)
        engine = make_engine(database_url)
        started = time.perf_counter()
        populate_with(engine, rows)
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
        stock = TestClient(stock_app(engine))
        print(
            f"{rows:,} {label} on {engine.dialect.name} (loaded in {loaded:.0f} s); "
            f"ms per page: median / p95 of {repeat} requests (stock: {stock_repeat})"
        )
        print(f"{'page':<24}{'sportello':>18}{'stock':>20}{'queries':>10}   sportello says")
        for name, path in page_urls.items():
            ours_median, ours_p95, ours_q = measure(ours, engine, path, repeat)
            if stock_repeat:
                stock_path = path.replace(f"/{key}/", f"/{stock_key}/")
                stock_median, stock_p95, stock_q = measure(stock, engine, stock_path, stock_repeat)
                stock_text = f"{stock_median:>9.0f} / {stock_p95:<8.0f}"
            else:
                stock_text, stock_q = f"{'-':>20}", 0
            said = shown_total(ours.get(path).text)
            print(
                f"{name:<24}{ours_median:>9.1f} / {ours_p95:<6.1f}{stock_text}"
                f"{f'{ours_q}/{stock_q}':>10}   {said}"
            )
        print(
            "queries = SQL statements per page, sportello/stock (sportello's include the "
            "session check: 3 statements on SQLite)"
        )
        if plans:
            for path in page_urls.values():
                explain(ours, engine, path)
        engine.dispose()


def run_list_benchmark(
    doc: str | None,
    *,
    rows_option: str,
    label: str,
    populate_with: Callable[[Engine, int], None],
    key: str,
    stock_key: str,
    pages: Callable[[int], dict[str, str]],
) -> None:
    """The command line of a list benchmark: how many rows, how many requests per page."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(f"--{rows_option}", dest="rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--stock-repeat", type=int, default=3, help="requests per stock page (0: skip stock)"
    )
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--explain", action="store_true", help="print the plan of each page")
    args = parser.parse_args()
    compare(
        plans=args.explain,
        label=label,
        url=args.database_url,
        rows=args.rows,
        populate_with=populate_with,
        key=key,
        stock_key=stock_key,
        page_urls=pages(args.rows),
        repeat=args.repeat,
        stock_repeat=args.stock_repeat,
    )


def main() -> None:
    run_list_benchmark(
        __doc__,
        rows_option="members",
        label="members",
        populate_with=populate,
        key="members",
        stock_key="member",
        pages=pages,
    )


if __name__ == "__main__":
    main()
