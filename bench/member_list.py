"""Member list page: Sportello's view against starlette-admin's stock ModelView.

Generates its own data (a migrated SQLite file with N members), then times the first list
page, a name search and the validation queue through the ASGI app, and counts the SQL
statements each page issues. Baseline: the same pages served by a stock
`starlette_admin.contrib.sqla.ModelView(Member)` with no custom query.

    .venv/bin/python bench/member_list.py [--members 20000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, event, insert
from starlette.applications import Starlette
from starlette.testclient import TestClient
from starlette_admin.contrib.sqla import Admin, ModelView

from actions.context import Actor
from actions.operators import create_operator
from admin.app import build_app
from admin.db import make_engine, make_sessionmaker
from admin.migrate import upgrade
from admin.settings import load
from models import Base, Member, MemberState, Organization, Role

PASSWORD = "benchmark password"
PAGES = {
    "first page": "/admin/members/list",
    "search 'rossi'": "/admin/members/list?q=rossi",
    "validation queue": "/admin/validation/list",
}


def populate(engine: Engine, members: int) -> None:
    factory = make_sessionmaker(engine)
    with factory() as session:
        session.info["actor"] = Actor.system("bench")
        create_operator(session, Actor.system("bench"), "bench", PASSWORD, Role.OPERATOR)
        orgs = [Organization(name=f"Org {i}", company_code=f"ORG{i}") for i in range(20)]
        session.add_all(orgs)
        session.commit()
        org_ids = [o.id for o in orgs]
    states = list(MemberState)
    last_names = ["Rossi", "Bianchi", "Russo", "Ferrari", "Esposito", "Romano", "Colombo", "Ricci"]
    rows = [
        {
            "organization_id": org_ids[i % len(org_ids)],
            "first_name": f"Name{i}",
            "last_name": f"{last_names[i % len(last_names)]}{i // 1000}",
            "birth_date": dt.date(1970 + i % 40, 1 + i % 12, 1 + i % 28),
            "tax_code": f"TAX{i:012d}",
            "address": None if i % 7 == 0 else f"Via {i}",
            "email": None if i % 11 == 0 else f"m{i}@example.org",
            "state": states[i % len(states)].value,
            "version": 1,
            "created_at": dt.datetime(2026, 1, 1),
        }
        for i in range(members)
    ]
    with engine.begin() as conn:  # bulk load: plain INSERTs, outside the audited ORM path
        for start in range(0, len(rows), 5000):
            conn.execute(insert(Member.__table__), rows[start : start + 5000])


def stock_app(engine: Engine) -> Starlette:
    app = Starlette()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        admin = Admin(engine, secret_key="b" * 40)
    admin.add_view(ModelView(Member, key="members"))
    # Stock views of every other table, so that each relation finds the view it points at.
    for mapper in sorted(Base.registry.mappers, key=lambda m: m.class_.__name__):
        admin.add_view(ModelView(mapper.class_))
    admin.mount_to(app)
    return app


def measure(client: TestClient, engine: Engine, url: str, repeat: int) -> tuple[float, int]:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    client.get(url)  # warm-up
    event.listen(engine, "before_cursor_execute", count)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    event.remove(engine, "before_cursor_execute", count)
    return statistics.median(timings), len(statements) // repeat


def login(client: TestClient) -> None:
    page = client.get("/admin/login")
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text)
    assert token
    client.post(
        "/admin/login",
        data={"username": "bench", "password": PASSWORD, "csrftoken": token.group(1)},
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        engine = make_engine(url)
        populate(engine, args.members)
        settings = load(
            {"DATABASE_URL": url, "SECRET_KEY": "s" * 40, "HTMX_URL": "/static/vendor/htmx.min.js"}
        )
        ours = TestClient(build_app(settings, engine=engine))
        login(ours)
        stock = TestClient(stock_app(engine))
        print(f"{args.members} members, median of {args.repeat} requests, SQLite")
        print(f"{'page':<20}{'sportello':>12}{'stock':>12}{'ratio':>8}{'queries':>10}")
        for name, path in PAGES.items():
            stock_path = path.replace("/validation/", "/members/")
            ours_time, ours_q = measure(ours, engine, path, args.repeat)
            stock_time, stock_q = measure(stock, engine, stock_path, args.repeat)
            print(
                f"{name:<20}{ours_time * 1000:>10.1f}ms{stock_time * 1000:>10.1f}ms"
                f"{ours_time / stock_time:>8.2f}{f'{ours_q}/{stock_q}':>10}"
            )
        print(
            "ratio = sportello / stock starlette-admin ModelView (lower is better); "
            "queries = SQL statements per page, sportello/stock (sportello's include the session check)"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
