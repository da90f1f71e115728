"""Random sequences of intake, new events, merges, undos and deletions of emptied clients on a
handful of clients, on a real database (where SQLite gives a deleted client's id to the next
new one): after every step each event is on the one live client its first client now
resolves to, merges and undos are refused exactly when the rules say, and undoing every merge
still in force, latest first, gives each client back its own events."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.context import Actor
from actions.errors import Refused
from actions.intake import Request, intake
from actions.merge_clients import undo_merge
from admin.db import make_engine, make_sessionmaker
from models import Client, ClientEvent, Role
from tests.client_merges import deleted, merged
from tests.conftest import fresh_database

NAMES = ("Mairie de Toulon", "Commune de Nice", "Ville de Lyon", "Gemeente Utrecht")
OLIVIA = Actor(1, "olivia", Role.OPERATOR)

Step = tuple[str, int, int]
CLIENT = st.integers(0, 3)  # modulo the clients there are: 3 at first, 4 after a new name
steps_strategy = st.lists(
    st.one_of(
        st.tuples(st.just("intake"), st.integers(0, len(NAMES) - 1), st.just(0)),
        st.tuples(st.just("event"), CLIENT, st.just(0)),
        st.tuples(st.just("merge"), CLIENT, CLIENT),
        st.tuples(st.just("undo"), CLIENT, st.just(0)),
        st.tuples(st.just("merge"), CLIENT, CLIENT),
        st.tuples(st.just("undo"), CLIENT, st.just(0)),
        st.tuples(st.just("delete"), CLIENT, st.just(0)),
    ),
    min_size=1,
    max_size=20,
)


@dataclass
class Model:
    """What the rules predict: where each event arrived, and which merges are in force."""

    home: dict[int, int] = field(default_factory=dict)  # event id: the client it arrived on
    merged_into: dict[int, int] = field(default_factory=dict)  # source id: target id
    order: list[int] = field(default_factory=list)  # sources of merges in force, oldest first
    received: set[int] = field(default_factory=set)  # every target a merge record names

    def resolve(self, client_id: int) -> int:
        while client_id in self.merged_into:
            client_id = self.merged_into[client_id]
        return client_id


def _clients(session: Session) -> list[Client]:
    return list(session.scalars(select(Client).order_by(Client.id)))


def _locations(session: Session) -> dict[int, int]:
    return {
        event: client
        for event, client in session.execute(select(ClientEvent.id, ClientEvent.client_id))
    }


def _run(session: Session, model: Model, step: Step) -> None:
    kind, first, second = step
    clients = _clients(session)
    if kind == "intake":
        made = intake(session, OLIVIA, Request(legal_name=NAMES[first]))
        assert made.client.merged_into_id is None
        model.home[made.event.id] = made.client.id
    elif kind == "event":
        number = clients[first % len(clients)].client_number
        made = intake(session, OLIVIA, Request(legal_name="?", client_number=number))
        model.home[made.event.id] = made.client.id
    elif kind == "merge":
        source, target = clients[first % len(clients)], clients[second % len(clients)]
        allowed = source.id != target.id and not ({source.id, target.id} & model.merged_into.keys())
        try:
            merged(session, OLIVIA, source.id, target.client_number)
        except Refused:
            assert not allowed, f"merge {source.client_number} -> {target.client_number} refused"
        else:
            assert allowed, f"merge {source.client_number} -> {target.client_number} accepted"
            model.merged_into[source.id] = target.id
            model.order.append(source.id)
            model.received.add(target.id)
    elif kind == "delete":
        _delete(session, model, clients[first % len(clients)])
    else:
        source = clients[first % len(clients)]
        target_id = model.merged_into.get(source.id)
        allowed = target_id is not None and target_id not in model.merged_into
        try:
            undo_merge(session, OLIVIA, source.id)
        except Refused:
            assert not allowed, f"undo of {source.client_number} refused"
        else:
            assert allowed, f"undo of {source.client_number} accepted"
            del model.merged_into[source.id]
            model.order.remove(source.id)
    session.commit()


def _delete(session: Session, model: Model, client: Client) -> None:
    """Only a client with no events, which no merge record names as its target; the events
    that came to its own target with its merge stay there for good."""
    allowed = client.id not in model.received and all(
        model.resolve(home) != client.id for home in model.home.values()
    )
    try:
        deleted(session, OLIVIA, client.id, client.client_number)
    except Refused:
        assert not allowed, f"deletion of {client.client_number} refused"
    else:
        assert allowed, f"deletion of {client.client_number} accepted"
        target_id = model.merged_into.pop(client.id, None)
        if target_id is not None:
            model.order.remove(client.id)
            model.home = {e: target_id if h == client.id else h for e, h in model.home.items()}


def _check(session: Session, model: Model) -> None:
    live = {c.id for c in _clients(session) if c.merged_into_id is None}
    locations = _locations(session)
    assert locations.keys() == model.home.keys(), "an event was lost or appeared"
    assert set(locations.values()) <= live, "an event is on a merged client"
    assert locations == {e: model.resolve(home) for e, home in model.home.items()}


@settings(max_examples=60, deadline=None)
@given(steps=steps_strategy)
@example(steps=[("merge", 0, 1), ("merge", 1, 2), ("undo", 0, 0), ("undo", 1, 0)])
@example(steps=[("merge", 0, 1), ("merge", 1, 2), ("delete", 0, 0), ("delete", 0, 0)])
@example(
    steps=[("merge", 2, 0), ("delete", 2, 0), ("intake", 2, 0), ("merge", 1, 2), ("undo", 1, 0)]
)
def test_merges_and_undos_never_lose_or_misplace_an_event(
    template_database: str, tmp_path_factory: pytest.TempPathFactory, steps: list[Step]
) -> None:
    url, drop = fresh_database(template_database, Path(tmp_path_factory.mktemp("merges")))
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            model = Model()
            for name in range(3):
                _run(session, model, ("intake", name, 0))
            for step in steps:
                _run(session, model, step)
                _check(session, model)
            for source_id in reversed(list(model.order)):
                undo_merge(session, OLIVIA, source_id)
                session.commit()
                del model.merged_into[source_id]
                _check(session, model)
            own = {
                c.id: sorted(e for e, h in model.home.items() if h == c.id)
                for c in _clients(session)
            }
            locations = _locations(session)
            assert {c: sorted(e for e, at in locations.items() if at == c) for c in own} == own
    finally:
        engine.dispose()
        drop()
