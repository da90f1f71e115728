"""The duplicate finder (seed 001): certain duplicates (same normalised legal name, or same
SIRET/VAT) and probable ones (names sharing the same group of words, "Mairie de Toulon" /
"Mairie de Toulon Ouest", or near spellings), each pair with a score and its reason.

It never compares all pairs. Certain pairs come from grouping on the indexed keys. Probable
pairs are blocked: each name is cut into its words, a word shared by too many names (like
"mairie") is not a block on its own, and only names sharing a rare enough word, or the same
first four letters of that word, are compared, with rapidfuzz. The report says how many
candidate pairs were scored.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Client

BLOCK_LIMIT = 50  # a word shared by more names than this does not form a block
MIN_SCORE = 85
STOP_WORDS = frozenset(
    {
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "di",
        "del",
        "della",
        "van",
        "der",
        "het",
        "en",
        "et",
        "e",
        "the",
        "of",
        "and",
        "l",
        "d",
    }
)


@dataclass(frozen=True)
class Pair:
    first: str  # client numbers, the older first
    second: str
    score: int
    certainty: str  # "certain" or "probable"
    reason: str


@dataclass
class Report:
    pairs: list[Pair] = field(default_factory=list)
    clients: int = 0
    candidates_scored: int = 0


@dataclass(frozen=True)
class _Row:
    id: int
    number: str
    name_key: str
    identifier_key: str | None


def find_duplicates(session: Session, min_score: int = MIN_SCORE) -> Report:
    rows = [
        _Row(*r)
        for r in session.execute(
            select(Client.id, Client.client_number, Client.name_key, Client.identifier_key)
            .where(Client.merged_into_id.is_(None))
            .order_by(Client.id)
        )
    ]
    report = Report(clients=len(rows))
    seen: set[tuple[int, int]] = set()
    for pair in _certain(rows):
        seen.add(pair[0])
        report.pairs.append(pair[1])
    for a, b in _candidates(rows):
        if (a.id, b.id) in seen:
            continue
        seen.add((a.id, b.id))
        report.candidates_scored += 1
        if _words_contained(a.name_key, b.name_key):
            score, reason = (
                round(fuzz.token_set_ratio(a.name_key, b.name_key)),
                "same group of words",
            )
        else:  # the whole name, so that a shared "mairie de" does not make two towns alike
            score, reason = round(fuzz.ratio(a.name_key, b.name_key)), "near spelling"
        if score >= min_score:
            report.pairs.append(Pair(a.number, b.number, score, "probable", reason))
    report.pairs.sort(key=lambda p: (p.certainty != "certain", -p.score, p.first, p.second))
    return report


def _certain(rows: list[_Row]) -> Iterable[tuple[tuple[int, int], Pair]]:
    for attribute, reason in (("identifier_key", "same SIRET/VAT"), ("name_key", "same name")):
        groups: dict[str, list[_Row]] = defaultdict(list)
        for row in rows:
            value = getattr(row, attribute)
            if value:
                groups[value].append(row)
        for group in groups.values():
            for a, b in itertools.combinations(group, 2):
                yield (a.id, b.id), Pair(a.number, b.number, 100, "certain", reason)


def _candidates(rows: list[_Row]) -> Iterable[tuple[_Row, _Row]]:
    blocks: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        for block in _blocks(row.name_key):
            blocks[block].append(row)
    emitted: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2 or len(members) > BLOCK_LIMIT:
            continue
        for a, b in itertools.combinations(members, 2):
            if (a.id, b.id) not in emitted:
                emitted.add((a.id, b.id))
                yield a, b


def _blocks(name_key: str) -> set[str]:
    words = [w for w in name_key.split() if w not in STOP_WORDS and len(w) > 1]
    return {f"w:{w}" for w in words} | {f"p:{w[:4]}" for w in words if len(w) >= 4}


def _words_contained(a: str, b: str) -> bool:
    first, second = set(a.split()), set(b.split())
    return first <= second or second <= first
