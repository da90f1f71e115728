"""The duplicate finder as operators review it: pairs gathered into groups of clients that
are linked by some pair, each client with its event count, optionally only the groups of one
client ("the probable duplicates of C000123")."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actions.duplicates import MIN_SCORE, Pair, find_duplicates
from models import Client, ClientEvent


@dataclass(frozen=True)
class Member:
    client: Client
    events: int


@dataclass(frozen=True)
class Group:
    members: list[Member]  # oldest first: the natural target of a merge
    pairs: list[Pair]  # best first

    @property
    def best(self) -> int:
        return max(p.score for p in self.pairs)


@dataclass(frozen=True)
class Review:
    groups: list[Group]
    clients: int
    candidates_scored: int


def review(session: Session, min_score: int = MIN_SCORE, client_number: str = "") -> Review:
    report = find_duplicates(session, min_score=min_score)
    pairs = report.pairs
    focus = client_number.strip().upper()
    components = _components(pairs)
    if focus:
        components = [c for c in components if focus in c]
    numbers = {n for component in components for n in component}
    clients = {
        c.client_number: c
        for c in session.scalars(select(Client).where(Client.client_number.in_(numbers)))
    }
    counts: dict[int, int] = {
        client_id: count
        for client_id, count in session.execute(
            select(ClientEvent.client_id, func.count())
            .where(ClientEvent.client_id.in_([c.id for c in clients.values()]))
            .group_by(ClientEvent.client_id)
        )
    }
    groups = []
    for component in components:
        members = sorted((clients[n] for n in component), key=lambda c: c.id)
        groups.append(
            Group(
                [Member(c, counts.get(c.id, 0)) for c in members],
                [p for p in pairs if p.first in component],
            )
        )
    groups.sort(key=lambda g: (-g.best, g.members[0].client.id))
    return Review(groups, report.clients, report.candidates_scored)


def _components(pairs: list[Pair]) -> list[set[str]]:
    parent: dict[str, str] = {}

    def root(n: str) -> str:
        parent.setdefault(n, n)
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for pair in pairs:
        parent[root(pair.first)] = root(pair.second)
    components: dict[str, set[str]] = defaultdict(set)
    for number in parent:
        components[root(number)].add(number)
    return list(components.values())
