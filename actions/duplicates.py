"""The duplicate finder (seed 001): certain duplicates (same normalised legal name, or same
SIRET/VAT) and probable ones (names sharing the same group of words, "Mairie de Toulon" /
"Mairie de Toulon Ouest", or near spellings), each pair with a score and its reason.

It never compares all pairs. Certain pairs come from grouping on the indexed keys. Probable
pairs are blocked on the words of the names, and only names in the same small block are
compared, with rapidfuzz:

- a word prefix: names with a word starting with the same four letters (a shorter word is a
  block of its own). A prefix shared by too many names is split on one more letter, then
  another, down to the whole word, so that a large table, where every four letters are
  common, still compares "Castelnuovo" with "Castelnovo" in the run of "casteln";
- a word used by too many names ("mairie", "comune") is no block on its own, but two such
  words together are ("mairie" and "toulon" when every service of Toulon is a client).

The block sizes are fixed, not a share of the table, so the candidate pairs per name do not
grow with the table. The report says how many were scored.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Client

BLOCK_LIMIT = 50  # a word (or two common words together) in more names forms no block
PREFIX_LIMIT = 20  # a prefix in more names than this is split on one more letter
PREFIX = 4  # the letters of a word that make its first block
_AFTER_ALL = "\U0010ffff"  # sorts after every letter: the end of a run of words sharing a prefix
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
    certain: set[tuple[int, int]] = set()
    for pair in _certain(rows):
        certain.add(pair[0])
        report.pairs.append(pair[1])
    for a, b in _candidates(rows):  # each pair once
        if (a.id, b.id) in certain:
            continue
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
    """Every pair of names sharing a block, each pair once, the older name first."""
    words = [_block_words(row.name_key) for row in rows]
    uses = Counter(word for row_words in words for word in row_words)
    rare: list[str] = []  # every word of few enough names, once per name
    owners: list[int] = []  # the index of the name of each of them
    two_common: dict[str, list[int]] = defaultdict(list)
    for index, row_words in enumerate(words):
        common = []
        for word in row_words:
            if uses[word] <= BLOCK_LIMIT:
                rare.append(word)
                owners.append(index)
            else:
                common.append(word)
        for first, second in itertools.combinations(sorted(common), 2):
            two_common[f"{first} {second}"].append(index)
    order = sorted(range(len(rare)), key=rare.__getitem__)
    blocks = itertools.chain(
        (members for members in two_common.values() if 1 < len(members) <= BLOCK_LIMIT),
        _prefix_blocks([rare[i] for i in order], [owners[i] for i in order]),
    )
    placed: list[tuple[int, ...]] = [()] * len(rows)  # the blocks each row was compared in
    for number, members in enumerate(blocks):
        unique = sorted(set(members))  # row order: the older name first
        earlier = [placed[index] for index in unique]
        if not any(earlier):
            for a, b in itertools.combinations(unique, 2):
                yield rows[a], rows[b]
        else:  # not again a pair already compared in another block (a second word in common)
            for (a, in_a), (b, in_b) in itertools.combinations(
                zip(unique, earlier, strict=True), 2
            ):
                if not in_a or not in_b or not any(block in in_b for block in in_a):
                    yield rows[a], rows[b]
        for index in unique:
            placed[index] += (number,)


def _prefix_blocks(words: list[str], owners: list[int]) -> Iterable[list[int]]:
    """The blocks of the sorted `words`, as lists of their owners: a run of words sharing a
    prefix is a block if it is small enough, or is split on one more letter; a word that
    ends there makes the block of that whole word."""
    runs = [(0, len(words), PREFIX - 1)]  # words[start:stop] share their first `length` letters
    while runs:
        start, stop, length = runs.pop()
        first = start
        while first < stop:
            word = words[first]
            if len(word) <= length:
                last = bisect.bisect_right(words, word, first, stop)
            else:
                prefix = word[: length + 1]
                last = bisect.bisect_left(words, prefix + _AFTER_ALL, first, stop)
                if last - first > PREFIX_LIMIT:
                    runs.append((first, last, length + 1))
                    first = last
                    continue
            if last - first > 1:
                yield owners[first:last]
            first = last


def _block_words(name_key: str) -> set[str]:
    return {w for w in name_key.split() if w not in STOP_WORDS and len(w) > 1}


def _words_contained(a: str, b: str) -> bool:
    first, second = set(a.split()), set(b.split())
    return first <= second or second <= first
