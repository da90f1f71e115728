"""Merge into target (seed 001), undo, and the deliberate deletion of an emptied record.

- preview: which events move, which fields differ, which record stays; nothing written.
  `ask_merge` adds the signed token (actions/steps.py) that the confirmation needs.
- merge: only with the preview's token, for the same source, target and operator, within 10
  minutes; in one transaction every event of the source moves to the target; the source is
  marked merged into the target and keeps a record of exactly which events moved, by whom and
  when. Nothing is mailed. Refused: into itself, into a client already merged elsewhere, a
  chain that would loop, a source already merged, events changed since the preview. Two
  merges of the same source at the same time: the row version makes the second fail with a
  conflict, and nothing is lost. A client with no events merges like any other.
- undo: until the source is deleted, moves back exactly the events that moved. While the
  target is itself merged into another client, those events are there, mixed with the
  target's: the undo is refused, naming that later merge, which is to be undone first.
- delete: only a client with no events, which no merge record names as its target, with its
  client number typed in the form that `ask_delete` issued a token for; audited with a full snapshot; never automatic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from actions import consequences, steps
from actions.account_links import require_operator
from actions.audit import audited, snapshot

# The client page's history lived here; admin/app.py still reads `history_of` from here.
from actions.client_history import History as History
from actions.client_history import history as history
from actions.client_history import history_of as history_of
from actions.client_history import suggest_targets as suggest_targets
from actions.context import Actor
from actions.errors import Conflict, Refused
from admin.i18n import N_
from models import Client, ClientEvent, ClientMerge, utcnow

COMPARED = ("legal_name", "identifier", "email", "address")
MOVE_CHUNK = 10_000


@dataclass(frozen=True)
class Preview:
    source: Client
    target: Client
    moving_event_ids: list[int]
    differences: dict[str, tuple[str | None, str | None]]  # field: (source, target)
    step: str = ""  # the token the confirmation posts back


def by_number(session: Session, number: str) -> Client:
    client = session.scalar(select(Client).where(Client.client_number == number.strip()))
    if client is None:
        raise Refused(
            N_("No client has the number %(number)s."), field="target", number=number.strip()
        )
    return client


def preview(session: Session, source_id: int, target_number: str) -> Preview:
    source = session.get(Client, source_id)
    if source is None:
        raise Refused(N_("This client no longer exists. Search for it again."))
    target = by_number(session, target_number)
    _check(session, source, target)
    moving = list(
        session.scalars(
            select(ClientEvent.id)
            .where(ClientEvent.client_id == source.id)
            .order_by(ClientEvent.id)
        )
    )
    differences = {
        f: (getattr(source, f), getattr(target, f))
        for f in COMPARED
        if getattr(source, f) != getattr(target, f)
    }
    return Preview(source, target, moving, differences)


def _check(session: Session, source: Client, target: Client) -> None:
    if source.id == target.id:
        raise Refused(N_("A client cannot be merged into itself."), field="target")
    if source.merged_into_id is not None:
        raise Refused(
            N_("%(number)s is already merged into another client: undo that merge first."),
            number=source.client_number,
        )
    if target.merged_into_id is not None:
        raise Refused(
            N_("%(number)s is itself merged into another client: merge into that one instead."),
            field="target",
            number=target.client_number,
        )
    merged_into_source = session.scalar(
        select(func.count()).where(Client.merged_into_id == source.id)
    )
    if merged_into_source and _chain_reaches(session, target, source):
        raise Refused(N_("This merge would make a loop of merged clients."), field="target")


def _chain_reaches(session: Session, start: Client, goal: Client) -> bool:
    current, seen = start, set()
    while current.merged_into_id is not None and current.id not in seen:
        seen.add(current.id)
        if current.merged_into_id == goal.id:
            return True
        current = session.get_one(Client, current.merged_into_id)
    return False


def ask_merge(
    session: Session, actor: Actor, source_id: int, target_number: str, secret_key: str
) -> Preview:
    """The first step: the preview, with the token its confirmation needs."""
    require_operator(actor)
    plan = preview(session, source_id, target_number)
    token = steps.issue(
        secret_key,
        "merge",
        actor,
        source=plan.source.id,
        target=plan.target.id,
        events=steps.digest(plan.moving_event_ids),
    )
    return Preview(plan.source, plan.target, plan.moving_event_ids, plan.differences, token)


MERGE_STEP_REFUSED = N_(
    "Preview the merge again, then confirm it: this confirmation is missing, older than 10 "
    "minutes, or was shown for another merge or to another operator."
)


def merge(
    session: Session,
    actor: Actor,
    source_id: int,
    target_number: str,
    proof: steps.Proof | None,
    *,
    now: dt.datetime | None = None,
) -> ClientMerge:
    """The second step: only with the token of the preview the operator saw; if events
    arrived since, the merge is refused so that the operator confirms what really moves."""
    now = now or utcnow()
    plan = preview(session, source_id, target_number)
    source, target = plan.source, plan.target
    try:
        with audited(session, actor, "client.merge", source) as scope:
            require_operator(actor)
            shown = steps.check(
                proof,
                "merge",
                actor,
                Refused(MERGE_STEP_REFUSED, field="target"),
                now=now,
                source=source.id,
                target=target.id,
            )
            if shown.get("events") != steps.digest(plan.moving_event_ids):
                raise Conflict(
                    N_("The events of %(number)s changed since the preview: look at it again."),
                    number=source.client_number,
                )
            _move(session, plan.moving_event_ids, target.id)
            source.merged_into_id, source.merged_at = target.id, now
            record = ClientMerge(
                source_id=source.id,
                source_number=source.client_number,
                target_id=target.id,
                moved_event_ids=plan.moving_event_ids,
                operator_username=actor.username,
                at=now,
            )
            session.add(record)
            session.flush()
            scope.note(
                target=target.client_number,
                moved_event_ids=plan.moving_event_ids,
                merge_id=record.id,
            )
            consequences.tell(
                session,
                N_(
                    "%(source)s stays, emptied, and can be deleted; until then the merge can be "
                    "undone."
                ),
                source=source.client_number,
            )
    except StaleDataError:
        raise Conflict(
            N_("Someone else changed %(number)s at the same moment: look at it again."),
            number=source.client_number,
        ) from None
    return record


def _move(
    session: Session, event_ids: list[int], client_id: int, from_client_id: int | None = None
) -> int:
    """Exactly these events go to the client, a chunk of ids per statement (PostgreSQL's
    driver takes at most 65,535 parameters in one); only those on `from_client_id` when
    given. Returns how many moved."""
    moved = 0
    for start in range(0, len(event_ids), MOVE_CHUNK):
        statement = update(ClientEvent).where(
            ClientEvent.id.in_(event_ids[start : start + MOVE_CHUNK])
        )
        if from_client_id is not None:
            statement = statement.where(ClientEvent.client_id == from_client_id)
        result = session.execute(statement.values(client_id=client_id))
        moved += int(getattr(result, "rowcount", 0) or 0)
    return moved


def _later_merge(session: Session, target_id: int) -> ClientMerge | None:
    """The merge, still in force, that took the target's events (with the moved ones)
    elsewhere: not undone, and its source still there and merged into its target. A merge
    whose source was deleted is left out, also when another client got that id since."""
    return session.scalar(
        select(ClientMerge)
        .join(Client, Client.id == ClientMerge.source_id)
        .where(
            ClientMerge.source_id == target_id,
            ClientMerge.undone_at.is_(None),
            Client.merged_into_id == ClientMerge.target_id,
        )
        .order_by(ClientMerge.id.desc())
        .limit(1)
    )


def undo_merge(
    session: Session, actor: Actor, source_id: int, *, now: dt.datetime | None = None
) -> ClientMerge:
    now = now or utcnow()
    source = session.get(Client, source_id)
    if source is None:
        raise Refused(N_("This client was deleted: its merge can no longer be undone."))
    record = session.scalar(
        select(ClientMerge)
        .where(ClientMerge.source_id == source.id, ClientMerge.undone_at.is_(None))
        .order_by(ClientMerge.id.desc())
        .limit(1)
    )
    with audited(session, actor, "client.undo_merge", source) as scope:
        require_operator(actor)
        if record is None or source.merged_into_id is None:
            raise Refused(
                N_("%(number)s is not merged: there is nothing to undo."),
                number=source.client_number,
            )
        later = _later_merge(session, record.target_id)
        if later is not None:
            raise Refused(
                N_(
                    "%(target)s, which received the events of %(number)s, was merged into "
                    "%(later)s afterwards (merge no. %(id)s by %(operator)s): undo that merge "
                    "first, then this one."
                ),
                number=source.client_number,
                target=later.source_number,
                later=session.get_one(Client, later.target_id).client_number,
                id=later.id,
                operator=later.operator_username,
            )
        moved = _move(session, record.moved_event_ids, source.id, record.target_id)
        if moved != len(record.moved_event_ids):
            raise Conflict(
                N_(
                    "Some events of %(number)s are no longer on the client they were merged "
                    "into: look at both clients' events again."
                ),
                number=source.client_number,
            )
        source.merged_into_id, source.merged_at = None, None
        record.undone_at = now
        scope.note(moved_back_event_ids=record.moved_event_ids, merge_id=record.id)
        consequences.tell(
            session,
            N_(
                "%(number)s is no longer merged into %(target)s; events %(target)s received since stay there."
            ),
            number=source.client_number,
            target=session.get_one(Client, record.target_id).client_number,
        )
    return record


def ask_delete(session: Session, actor: Actor, client_id: int, secret_key: str) -> str:
    """The first step of a deletion: the token the typed confirmation is posted with."""
    require_operator(actor)
    if session.get(Client, client_id) is None:
        raise Refused(N_("This client no longer exists. Search for it again."))
    return steps.issue(secret_key, "client.delete", actor, client=client_id)


DELETE_STEP_REFUSED = N_(
    "Open the deletion form again and type the client number there: this confirmation is "
    "missing, older than 10 minutes, or was shown for another client or to another operator."
)


def delete_client(
    session: Session,
    actor: Actor,
    client_id: int,
    typed_number: str,
    proof: steps.Proof | None,
    *,
    now: dt.datetime | None = None,
) -> None:
    client = session.get(Client, client_id)
    if client is None:
        raise Refused(N_("This client no longer exists. Search for it again."))
    with audited(session, actor, "client.delete", client) as scope:
        require_operator(actor)
        steps.check(
            proof,
            "client.delete",
            actor,
            Refused(DELETE_STEP_REFUSED, field="confirmation"),
            now=now,
            client=client.id,
        )
        if typed_number.strip() != client.client_number:
            raise Refused(
                N_("Type the client number %(number)s to confirm the deletion."),
                field="confirmation",
                number=client.client_number,
            )
        remaining = session.scalar(select(func.count()).where(ClientEvent.client_id == client.id))
        if remaining:
            raise Refused(
                N_("%(number)s still has %(count)s events: merge them into another client first."),
                number=client.client_number,
                count=remaining,
            )
        if session.scalar(select(func.count()).where(Client.merged_into_id == client.id)):
            raise Refused(
                N_("Other clients are merged into %(number)s: it cannot be deleted."),
                number=client.client_number,
            )
        _check_no_merge_record_names(session, client)
        scope.before = snapshot(client)
        session.delete(client)


def _check_no_merge_record_names(session: Session, client: Client) -> None:
    """A merge record (undone, or its source deleted) keeps naming the client it went into."""
    kept = session.scalar(select(ClientMerge).filter_by(target_id=client.id).order_by("id"))
    if kept is not None:
        raise Refused(
            N_(
                "%(number)s cannot be deleted: the record of merge no. %(id)s (from "
                "%(source)s) names it as the client that received the events, and it is kept."
            ),
            field="confirmation",
            number=client.client_number,
            id=kept.id,
            source=kept.source_number,
        )
