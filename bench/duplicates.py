"""The client duplicate finder on generated tables with planted duplicates, next to an
all-pairs comparison.

Generates N clients (town halls, associations, companies with random town names, in French,
Italian and Dutch), plants duplicates of 2% of them (other case, a legal form, a typo, a
district added), runs `actions.duplicates.find_duplicates` and reports its time, the candidate
pairs scored per record, and recall and precision on the planted pairs. Baseline: every pair
of a 5,000-client sample scored with the same matcher (rapidfuzz's cdist, all cores), and that
time scaled to N clients (pairs grow as N squared).

    .venv/bin/python bench/duplicates.py [--clients 100000] [--clients 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz import fuzz, process
from sqlalchemy import insert

from actions.duplicates import BLOCK_LIMIT, MIN_SCORE, PREFIX_LIMIT, find_duplicates
from admin.db import make_engine, make_sessionmaker
from admin.migrate import upgrade
from models import Client
from models.client import company_key

KINDS = [
    "Mairie de",
    "Comune di",
    "Gemeente",
    "Association sportive de",
    "Croce Rossa di",
    "Pompiers de",
    "Boulangerie",
    "Stichting",
    "Pro Loco di",
    "Amicale de",
]
FORMS = ["SARL", "S.r.l.", "B.V.", "SAS", "S.p.A.", "Ltd"]
DISTRICTS = ["Ouest", "Nord", "Centro", "Oost", "Sud"]
CONSONANTS = [
    "b",
    "c",
    "d",
    "f",
    "g",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "z",
    "br",
    "ch",
    "gr",
    "pl",
    "st",
    "tr",
    "gn",
    "sc",
]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ou", "ie"]


def town(rng: random.Random) -> str:
    """A made-up town name, varied enough that two towns are rarely one letter apart."""
    syllables = rng.randint(3, 5)
    return "".join(
        rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(syllables)
    ).capitalize()


def variant(name: str, rng: random.Random) -> str:
    choice = rng.randrange(4)
    if choice == 0:
        return name.upper()
    if choice == 1:
        return f"{name} {rng.choice(FORMS)}"
    if choice == 2:  # a typo in the town
        position = rng.randrange(len(name) - 3, len(name))
        return name[:position] + rng.choice(VOWELS) + name[position + 1 :]
    return f"{name} {rng.choice(DISTRICTS)}"


def generate(clients: int, rng: random.Random) -> tuple[list[str], set[tuple[int, int]], list[int]]:
    """Names, the planted pairs (original, copy) and each client's family (its original)."""
    names: list[str] = []
    planted: set[tuple[int, int]] = set()
    originals = int(clients / 1.02)
    for _ in range(originals):
        names.append(f"{rng.choice(KINDS)} {town(rng)}")
    family = list(range(originals))
    for _ in range(clients - originals):
        original = rng.randrange(originals)
        names.append(variant(names[original], rng))
        family.append(original)
        planted.add((original + 1, len(names)))  # 1-based client ids
    return names, planted, family


def load(url: str, names: list[str]) -> None:
    engine = make_engine(url)
    rows = [
        {
            "id": i + 1,
            "client_number": f"C{i + 1:07d}",
            "legal_name": name,
            "name_key": company_key(name),
            "origin": "intake",
            "version": 1,
            "created_at": dt.datetime(2026, 1, 1),
        }
        for i, name in enumerate(names)
    ]
    with engine.begin() as conn:
        for start in range(0, len(rows), 20_000):
            conn.execute(insert(Client.__table__), rows[start : start + 20_000])
    engine.dispose()


def all_pairs_seconds(names: list[str]) -> float:
    keys = [company_key(n) for n in names]
    started = time.perf_counter()
    for key in keys:  # every name against every name, in rapidfuzz's C++ loop
        process.extract(key, keys, scorer=fuzz.token_set_ratio, score_cutoff=MIN_SCORE, limit=None)
    return time.perf_counter() - started


def run(clients: int, rng: random.Random) -> None:
    names, planted, family = generate(clients, rng)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/clients.db"
        upgrade(url)
        load(url, names)
        with make_sessionmaker(make_engine(url))() as session:
            started = time.perf_counter()
            report = find_duplicates(session)
            elapsed = time.perf_counter() - started
    found = {(int(p.first[1:]), int(p.second[1:])) for p in report.pairs}
    recall = len(found & planted) / len(planted)
    # Two copies of one original are duplicates too, and so are two names drawn identical by
    # chance: a pair counts as right within one family or with the same normalised name.
    keys = [company_key(n) for n in names]
    right = [
        p for p in found if family[p[0] - 1] == family[p[1] - 1] or keys[p[0] - 1] == keys[p[1] - 1]
    ]
    precision = len(right) / len(found) if found else 0.0
    sample = 5_000
    sample_seconds = all_pairs_seconds(names[:sample])
    scaled = sample_seconds * (clients / sample) ** 2
    print(
        f"{clients:>9} clients: finder {elapsed:7.1f} s, {report.candidates_scored / clients:5.2f} candidate "
        f"pairs per record ({report.candidates_scored} scored, all pairs would be {clients * (clients - 1) // 2}), "
        f"recall {recall:.1%}, precision {precision:.1%} on {len(planted)} planted pairs"
    )
    print(
        f"{'':>18}all pairs of {sample}: {sample_seconds:.1f} s -> {scaled:,.0f} s for {clients} clients; "
        f"ratio all-pairs / finder: {scaled / elapsed:,.0f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, action="append")
    args = parser.parse_args()
    print(
        f"SQLite, {platform.machine()}, {os.cpu_count()} cores; blocks: runs of at most "
        f"{PREFIX_LIMIT} names sharing a prefix, words of at most {BLOCK_LIMIT} names"
    )
    for clients in args.clients or [100_000]:
        run(clients, random.Random(clients))


if __name__ == "__main__":
    main()
