from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions.consequences import take
from actions.context import Actor
from actions.errors import Conflict, Refused
from actions.merge_clients import ask_delete, ask_merge, delete_client, merge, preview, undo_merge
from actions.steps import Proof
from models import Client, ClientEvent, ClientMerge, Outcome
from tests.client_merges import KEY, deleted, merged
from tests.helpers import last_event, outbox


@pytest.fixture
def pair(session: Session) -> tuple[Client, Client]:
    source = Client(
        client_number="C000002", legal_name="Mairie de Toulon Ouest", email="ouest@toulon.fr"
    )
    target = Client(
        client_number="C000001", legal_name="Mairie de Toulon", email="mairie@toulon.fr"
    )
    session.add_all([source, target])
    session.flush()
    session.add_all(
        [ClientEvent(client_id=source.id, description=f"cover {i}") for i in range(3)]
        + [ClientEvent(client_id=target.id, description="training")]
    )
    session.commit()
    return source, target


def _events_of(session: Session, client: Client) -> list[int]:
    return list(
        session.scalars(
            select(ClientEvent.id)
            .where(ClientEvent.client_id == client.id)
            .order_by(ClientEvent.id)
        )
    )


def test_the_preview_shows_exactly_what_moves_and_what_differs(
    session: Session, pair: tuple[Client, Client]
) -> None:
    source, _target = pair

    plan = preview(session, source.id, "C000001")

    assert plan.moving_event_ids == _events_of(session, source)
    assert plan.differences == {
        "legal_name": ("Mairie de Toulon Ouest", "Mairie de Toulon"),
        "email": ("ouest@toulon.fr", "mairie@toulon.fr"),
    }


def test_merge_moves_every_event_records_them_and_mails_nobody(
    session: Session, olivia: Actor, pair: tuple[Client, Client]
) -> None:
    source, target = pair
    moving = _events_of(session, source)

    record = merged(session, olivia, source.id, "C000001")
    session.commit()

    assert _events_of(session, source) == []
    assert set(moving) <= set(_events_of(session, target))
    assert (source.merged_into_id, record.moved_event_ids, record.operator_username) == (
        target.id,
        moving,
        "olivia",
    )
    assert outbox(session) == []
    event = last_event(session, "client.merge")
    assert event.before["merged_into_id"] is None and event.after["merged_into_id"] == target.id
    assert event.after["moved_event_ids"] == moving


@pytest.mark.parametrize("case", ["self", "source merged", "target merged", "loop"])
def test_impossible_merges_are_refused_with_the_reason(
    session: Session, olivia: Actor, pair: tuple[Client, Client], case: str
) -> None:
    source, target = pair
    third = Client(client_number="C000003", legal_name="Commune de Toulon")
    session.add(third)
    session.commit()
    if case == "self":
        args, match = (source.id, "C000002"), "into itself"
    elif case == "source merged":
        merged(session, olivia, source.id, "C000001")
        args, match = (source.id, "C000003"), "already merged"
    elif case == "target merged":
        merged(session, olivia, third.id, "C000001")
        args, match = (source.id, "C000003"), "itself merged"
    else:
        merged(session, olivia, target.id, "C000002")  # C1 -> C2, then C2 -> C1 would loop
        args, match = (source.id, "C000001"), "itself merged|loop"
    session.commit()

    with pytest.raises(Refused, match=match):
        merged(session, olivia, *args)


def test_events_arriving_after_the_preview_stop_the_merge(
    session: Session, olivia: Actor, pair: tuple[Client, Client]
) -> None:
    source, _target = pair
    plan = ask_merge(session, olivia, source.id, "C000001", KEY)
    session.add(ClientEvent(client_id=source.id, description="late request"))
    session.commit()

    with pytest.raises(Conflict, match="changed since the preview"):
        merge(session, olivia, source.id, "C000001", Proof(plan.step, KEY))
    session.commit()
    assert len(_events_of(session, source)) == 4
    assert last_event(session, "client.merge").outcome == Outcome.REFUSED


def test_a_double_submission_merges_once(
    session: Session, olivia: Actor, pair: tuple[Client, Client]
) -> None:
    source, _target = pair
    merged(session, olivia, source.id, "C000001")
    session.commit()

    with pytest.raises(Refused, match="already merged"):
        merged(session, olivia, source.id, "C000001")
    assert len(session.scalars(select(ClientMerge)).all()) == 1


def test_undo_moves_back_exactly_the_events_that_moved(
    session: Session, olivia: Actor, pair: tuple[Client, Client]
) -> None:
    source, target = pair
    moved = _events_of(session, source)
    merged(session, olivia, source.id, "C000001")
    session.add(ClientEvent(client_id=target.id, description="arrived after the merge"))
    session.commit()

    undo_merge(session, olivia, source.id)
    session.commit()

    assert _events_of(session, source) == moved
    assert len(_events_of(session, target)) == 2
    assert source.merged_into_id is None
    with pytest.raises(Refused, match="nothing to undo"):
        undo_merge(session, olivia, source.id)


def test_delete_only_an_empty_client_with_its_number_typed(
    session: Session, olivia: Actor, pair: tuple[Client, Client]
) -> None:
    source, _target = pair
    with pytest.raises(Refused, match="still has 3 events"):
        deleted(session, olivia, source.id, "C000002")
    merged(session, olivia, source.id, "C000001")
    with pytest.raises(Refused, match="Type the client number"):
        deleted(session, olivia, source.id, "C2")

    deleted(session, olivia, source.id, "C000002")
    session.commit()

    assert session.get(Client, source.id) is None
    event = last_event(session, "client.delete")
    assert (
        event.before["client_number"] == "C000002"
        and event.before["legal_name"] == "Mairie de Toulon Ouest"
    )
    assert session.scalars(select(ClientMerge)).one().source_number == "C000002"
    with pytest.raises(Refused, match="was deleted"):
        undo_merge(session, olivia, source.id)


def test_two_operators_merging_the_same_source_lose_nothing_and_one_is_refused(
    session_factory: sessionmaker[Session], pair: tuple[Client, Client], olivia: Actor, sam: Actor
) -> None:
    source_id, target_id = pair[0].id, pair[1].id
    with session_factory() as first, session_factory() as second:
        stale = second.get_one(Client, source_id)  # the second operator opened the preview first
        step = ask_merge(second, sam, source_id, "C000001", KEY).step
        second.commit()

        merged(first, olivia, source_id, "C000001")
        first.commit()
        with pytest.raises(Conflict, match=r"changed since the preview|at the same moment"):
            merge(second, sam, source_id, "C000001", Proof(step, KEY))
        second.rollback()
        assert stale is not None

    with session_factory() as check:
        events = check.scalars(select(ClientEvent.client_id)).all()
        assert sorted(events) == [target_id] * 4
        assert len(check.scalars(select(ClientMerge)).all()) == 1


def test_events_move_in_chunks_and_none_is_left_behind(
    session: Session, olivia: Actor, pair: tuple[Client, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client with more events than one statement may carry (PostgreSQL's driver takes at
    most 65,535 parameters) moves chunk by chunk: here 3 events per statement, 7 events."""
    import actions.merge_clients

    monkeypatch.setattr(actions.merge_clients, "MOVE_CHUNK", 3)
    source, target = pair
    session.add_all([ClientEvent(client_id=source.id, description=f"more {i}") for i in range(4)])
    session.commit()
    moved = _events_of(session, source)
    assert len(moved) == 7

    merged(session, olivia, source.id, "C000001")
    session.commit()
    assert _events_of(session, source) == []
    undo_merge(session, olivia, source.id)
    session.commit()

    assert _events_of(session, source) == moved
    assert len(_events_of(session, target)) == 1


def _chain(session: Session, pair: tuple[Client, Client]) -> tuple[Client, Client, Client]:
    source, target = pair
    third = Client(client_number="C000003", legal_name="Commune de Toulon")
    session.add(third)
    session.flush()
    session.add(ClientEvent(client_id=third.id, description="third's own"))
    session.commit()
    return source, target, third


def test_undoing_a_merge_whose_target_was_merged_since_names_that_merge_and_loses_nothing(
    session: Session, olivia: Actor, pair: tuple[Client, Client]
) -> None:
    a, b, c = _chain(session, pair)
    own = {client.id: _events_of(session, client) for client in (a, b, c)}
    merged(session, olivia, a.id, "C000001")  # A -> B
    later = merged(session, olivia, b.id, "C000003")  # B -> C
    session.commit()

    with pytest.raises(Refused, match=f"merged into C000003 afterwards \\(merge no. {later.id}"):
        undo_merge(session, olivia, a.id)
    session.commit()
    assert last_event(session, "client.undo_merge").outcome == Outcome.REFUSED
    undo_merge(session, olivia, b.id)
    undo_merge(session, olivia, a.id)
    session.commit()

    assert {client.id: _events_of(session, client) for client in (a, b, c)} == own


def test_a_client_with_no_events_is_merged(
    session: Session, olivia: Actor, pair: tuple[Client, Client]
) -> None:
    _source, target = pair
    empty = Client(client_number="C000009", legal_name="Toulon vide")
    session.add(empty)
    session.commit()

    record = merged(session, olivia, empty.id, "C000001")
    session.commit()

    assert (empty.merged_into_id, record.moved_event_ids) == (target.id, [])


@pytest.mark.parametrize("case", ["none", "forged", "other operator", "other target", "expired"])
def test_a_merge_without_its_own_preview_is_refused(
    session: Session, olivia: Actor, sam: Actor, pair: tuple[Client, Client], case: str
) -> None:
    source, _target = pair
    third = Client(client_number="C000003", legal_name="Commune de Toulon")
    session.add(third)
    session.commit()
    now = None
    if case == "none":
        proof = None
    elif case == "forged":
        proof = Proof("eyJzb3VyY2UiOjF9.forged.sig", KEY)
    elif case == "other operator":
        proof = Proof(ask_merge(session, sam, source.id, "C000001", KEY).step, KEY)
    elif case == "other target":
        proof = Proof(ask_merge(session, olivia, source.id, "C000003", KEY).step, KEY)
    else:
        proof = Proof(ask_merge(session, olivia, source.id, "C000001", KEY).step, KEY)
        now = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11)

    with pytest.raises(Refused, match="Preview the merge again"):
        merge(session, olivia, source.id, "C000001", proof, now=now)
    session.commit()

    assert source.merged_into_id is None and len(_events_of(session, source)) == 3
    assert last_event(session, "client.merge").outcome == Outcome.REFUSED


def test_a_deletion_without_its_form_is_refused(
    session: Session, olivia: Actor, sam: Actor, pair: tuple[Client, Client]
) -> None:
    empty = Client(client_number="C000009", legal_name="Toulon vide")
    session.add(empty)
    session.commit()
    someone_elses = ask_delete(session, sam, empty.id, KEY)

    for proof in (None, Proof(someone_elses, KEY)):
        with pytest.raises(Refused, match="Open the deletion form again"):
            delete_client(session, olivia, empty.id, "C000009", proof)
    session.commit()

    assert session.get(Client, empty.id) is not None
    assert last_event(session, "client.delete").outcome == Outcome.REFUSED


def test_a_deleted_clients_merge_never_stops_the_undo_of_a_client_given_its_id_again(
    session: Session, olivia: Actor, pair: tuple[Client, Client]
) -> None:
    """SQLite gives the highest id of a deleted row to the next client; PostgreSQL does not,
    so the test gives the new client that id itself."""
    source, target = pair
    emptied = Client(client_number="C000009", legal_name="Toulon vide")
    session.add(emptied)
    session.commit()
    gone = emptied.id
    merged(session, olivia, gone, "C000001")  # merge no. 1, whose source is then deleted
    deleted(session, olivia, gone, "C000009")
    session.commit()
    newcomer = Client(id=gone, client_number="C000010", legal_name="Nice Nord")
    session.add(newcomer)
    session.commit()
    own = _events_of(session, source)
    merged(session, olivia, source.id, "C000010")
    session.commit()

    undo_merge(session, olivia, source.id)
    session.commit()

    assert _events_of(session, source) == own and _events_of(session, newcomer) == []
    assert source.merged_into_id is None and target.merged_into_id is None


def test_an_emptied_client_that_a_merge_record_names_as_target_stays(
    session: Session, olivia: Actor, pair: tuple[Client, Client]
) -> None:
    """Its source deleted, merge no. 1 still names C000001 as the client that received the
    events: deleting C000001, emptied in turn, is refused in words and nothing is deleted."""
    source, target = pair
    third = Client(client_number="C000003", legal_name="Nice Nord")
    session.add(third)
    session.commit()
    first = merged(session, olivia, source.id, "C000001")
    deleted(session, olivia, source.id, "C000002")
    merged(session, olivia, target.id, "C000003")
    session.commit()

    with pytest.raises(Refused, match=f"the record of merge no. {first.id} \\(from C000002\\)"):
        deleted(session, olivia, target.id, "C000001")
    session.commit()

    assert session.get(Client, target.id) is not None
    assert last_event(session, "client.delete").outcome == Outcome.REFUSED


def test_merge_and_undo_tell_what_else_changed(
    session: Session, olivia: Actor, pair: tuple[Client, Client]
) -> None:
    source, _target = pair

    merged(session, olivia, source.id, "C000001")
    assert [c.english() for c in take(session)] == [
        "C000002 stays, emptied, and can be deleted; until then the merge can be undone."
    ]
    undo_merge(session, olivia, source.id)
    assert [c.english() for c in take(session)] == [
        "C000002 is no longer merged into C000001; events C000001 received since stay there."
    ]
