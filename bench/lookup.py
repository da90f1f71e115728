"""One-box lookup against ILIKE '%term%' scans, on a generated table of members with
login accounts.

Generates N members (each with a login account) in a migrated SQLite file, or in the
PostgreSQL database named by --database-url, then times `actions.lookup.lookup` for each
kind of query (e-mail, mobile typed with spaces, lower-case tax code, card number,
username, name) and, as the baseline, the same search done the way a generic admin does
it: `lower(column) LIKE '%term%'` OR-ed over the same columns. Prints the median and the
95th percentile per kind and the ratio baseline / lookup.

    .venv/bin/python bench/lookup.py [--members 1000000] [--samples 50] [--baseline-samples 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, func, insert, or_, select, text
from sqlalchemy.orm import Session

from actions.lookup import lookup
from admin.db import make_engine, make_sessionmaker
from admin.migrate import upgrade
from models import LoginAccount, Member, Organization
from models.member import search_key

FIRST = [
    "Mario",
    "Giulia",
    "Luca",
    "Francesca",
    "Marco",
    "Chiara",
    "Élodie",
    "Sophie",
    "Paolo",
    "Elena",
    "Claire",
    "Pierre",
    "Anna",
    "Davide",
    "Marie",
    "Jan",
    "Sanne",
    "Pieter",
    "Lotte",
    "Bram",
]
LAST = [
    "Rossi",
    "Bianchi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Dupont",
    "Martin",
    "Romano",
    "Colombo",
    "Ricci",
    "Bernard",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "De Vries",
    "Jansen",
    "D'Amico",
    "Van Dijk",
    "Conti",
]
BATCH = 20_000


def surname(i: int) -> str:
    """About 270,000 different surnames: a common one and two letters."""
    block = i // len(FIRST)
    return f"{LAST[block % len(LAST)]}{chr(97 + block // 20 % 26)}{chr(97 + block // 520 % 26)}"


def tax_code(i: int) -> str:
    return f"BNCMRA{i:09d}Z"


def mobile(i: int) -> str:
    return f"+39333{i:07d}"


def populate(engine: Engine, members: int) -> None:
    with make_sessionmaker(engine)() as session:
        library = Organization(
            name="Bibliotheek", company_code="BIB", country="NL", isil="NL-1234AB"
        )
        session.add(library)
        session.commit()
        org_id = library.id
    created = dt.datetime(2026, 1, 1)
    for start in range(0, members, BATCH):
        rows, accounts = [], []
        for i in range(start, min(start + BATCH, members)):
            first, last = FIRST[i % len(FIRST)], surname(i)
            rows.append(
                {
                    "id": i + 1,
                    "organization_id": org_id,
                    "first_name": first,
                    "last_name": last,
                    "email": f"member{i}@example.org",
                    "mobile": mobile(i),
                    "tax_code": tax_code(i),
                    "card_number": str(30_000_000 + i),
                    "state": "validated",
                    "version": 1,
                    "created_at": created,
                    "search_name": search_key(f"{last} {first}"),
                    "search_name_reversed": search_key(f"{first} {last}"),
                }
            )
            accounts.append(
                {
                    "organization_id": org_id,
                    "member_id": i + 1,
                    "username": f"NL-1234AB-{30_000_000 + i}" if i % 2 else f"user{i}.Name",
                    "login_email": f"member{i}@example.org",
                    "state": "active",
                    "failed_attempts": 0,
                    "phone_sends_today": 0,
                    "version": 1,
                    "created_at": created,
                }
            )
        with engine.begin() as conn:  # bulk load, outside the audited ORM path
            conn.execute(insert(Member.__table__), rows)
            conn.execute(insert(LoginAccount.__table__), accounts)
        print(f"  {min(start + BATCH, members):>9} members", end="\r", flush=True)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    print()


def queries(members: int, samples: int, rng: random.Random) -> dict[str, list[str]]:
    picks = [rng.randrange(members) for _ in range(samples)]
    return {
        "e-mail (upper case)": [f"MEMBER{i}@Example.org" for i in picks],
        "mobile with spaces": [f"333 {i:07d}"[:7] + " " + f"{i:07d}"[3:] for i in picks],
        "tax code (lower)": [tax_code(i).lower() for i in picks],
        "card number": [str(30_000_000 + i) for i in picks],
        "username (any case)": [f"USER{i - i % 2}.name" for i in picks],
        "name": [f"{FIRST[i % len(FIRST)]} {surname(i)}" for i in picks],
    }


def baseline(session: Session, term: str) -> int:
    """What a generic admin search does: every column, lower(col) LIKE '%term%'."""
    pattern = f"%{term.lower()}%"
    member_columns = (
        Member.first_name,
        Member.last_name,
        Member.email,
        Member.mobile,
        Member.tax_code,
        Member.card_number,
    )
    members = session.scalars(
        select(Member.id)
        .where(or_(*(func.lower(c).like(pattern) for c in member_columns)))
        .limit(8)
    ).all()
    accounts = session.scalars(
        select(LoginAccount.id)
        .where(
            or_(
                func.lower(LoginAccount.username).like(pattern),
                func.lower(LoginAccount.login_email).like(pattern),
            )
        )
        .limit(8)
    ).all()
    return len(members) + len(accounts)


def _once(fn: Callable[[str], object], query: str) -> float:
    started = time.perf_counter()
    fn(query)
    return time.perf_counter() - started


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--baseline-samples", type=int, default=10)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/lookup.db"
        upgrade(url)
        engine = make_engine(url)
        started = time.perf_counter()
        populate(engine, args.members)
        print(
            f"generated {args.members} members with login accounts in {time.perf_counter() - started:.0f} s "
            f"({engine.dialect.name}, {platform.processor() or platform.machine()}, {os.cpu_count()} cores)"
        )
        session = make_sessionmaker(engine)()
        print(
            f"{'query':<22}{'lookup median':>14}{'p95':>10}{'ILIKE median':>14}{'p95':>10}{'ratio':>9}"
        )
        for kind, terms in queries(args.members, args.samples, rng).items():
            found = [lookup(session, t) for t in terms[:3]]
            assert all(found), f"lookup found nothing for {kind}"
            ours = [_once(lambda q: lookup(session, q), t) for t in terms]
            scans = [
                _once(lambda q: baseline(session, q), t) for t in terms[: args.baseline_samples]
            ]
            ratio = statistics.median(scans) / statistics.median(ours)
            print(
                f"{kind:<22}{statistics.median(ours) * 1000:>12.2f}ms{p95(ours) * 1000:>8.2f}ms"
                f"{statistics.median(scans) * 1000:>12.1f}ms{p95(scans) * 1000:>8.1f}ms{ratio:>8.0f}x"
            )
        print(
            "ratio = ILIKE scan median / lookup median; the scan finds nothing for a mobile typed with "
            "spaces or a card read without its ISIL prefix, which the lookup does find."
        )
        session.close()
        engine.dispose()


if __name__ == "__main__":
    main()
