"""One audit event, read in its surroundings: the record it touched (still there, or gone
and what it held), the operator's events just before and after it, and its place in the
hash chain (does its hash match its content, does it follow the event before it).

Every query reads an index of the trail: the record's events (`ix_audit_event_record`),
the operator's (`ix_audit_event_by_operator`), the chain's order (`seq`).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, inspect, select
from sqlalchemy.orm import Session

from actions.audit_chain import GENESIS, content_hash
from actions.audit_diff import masked
from models import AuditEvent, Base, Outcome

AROUND = 5  # the operator's events shown on each side
INT4 = 2**31 - 1
INT8 = 2**63 - 1


class RecordState(enum.StrEnum):
    EXISTS = "exists"  # the record is still there
    DELETED = "deleted"  # it was, and is no longer
    UNKNOWN = "unknown"  # a kind of record the console does not keep as a table
    NONE = "none"  # the event names no record (a login, a refused creation)


@dataclass(frozen=True)
class Touched:
    """The record an event is about, and what became of it. `snapshot` is what a deleted
    record held (its deletion's `before`, or its latest event's values), secrets masked;
    `deleted_by` the event that deleted it, when the trail has one."""

    entity_type: str | None
    entity_id: str | None
    state: RecordState
    snapshot: dict[str, Any] | None = None
    deleted_by: AuditEvent | None = None
    row: Base | None = None  # the record, while it exists


@dataclass(frozen=True)
class ChainPlace:
    """Where the event sits in the hash chain. `follows` is None when the event before it
    is missing from the trail."""

    seq: int
    prev_hash: str
    hash: str
    expected_hash: str
    follows: bool | None
    previous: AuditEvent | None
    next: AuditEvent | None

    @property
    def hash_matches(self) -> bool:
        return self.expected_hash == self.hash

    @property
    def intact(self) -> bool:
        return self.hash_matches and self.follows is True


@dataclass(frozen=True)
class EventPage:
    """Everything the event page shows, besides the event itself."""

    event: AuditEvent
    record: Touched
    earlier: list[AuditEvent]  # the operator's events just before it, oldest first
    later: list[AuditEvent]  # and just after it, oldest first
    chain: ChainPlace

    @property
    def refused(self) -> bool:
        return self.event.outcome == Outcome.REFUSED


def read_event(session: Session, event: AuditEvent, around: int = AROUND) -> EventPage:
    earlier, later = operator_neighbours(session, event, around)
    return EventPage(event, touched(session, event), earlier, later, chain_place(session, event))


# --- the operator's events around it -------------------------------------------------------


def _same_operator(event: AuditEvent) -> ColumnElement[bool]:
    if event.operator_username is None:
        return AuditEvent.operator_username.is_(None)
    return AuditEvent.operator_username == event.operator_username


def operator_neighbours(
    session: Session, event: AuditEvent, around: int = AROUND
) -> tuple[list[AuditEvent], list[AuditEvent]]:
    """The operator's `around` events before this one and after it, by their order in the
    trail, each list oldest first."""
    same = _same_operator(event)
    before = session.scalars(
        select(AuditEvent)
        .where(same, AuditEvent.seq < event.seq)
        .order_by(AuditEvent.seq.desc())
        .limit(around)
    ).all()
    after = session.scalars(
        select(AuditEvent)
        .where(same, AuditEvent.seq > event.seq)
        .order_by(AuditEvent.seq)
        .limit(around)
    ).all()
    return list(reversed(before)), list(after)


# --- the hash chain ------------------------------------------------------------------------


def _at_seq(session: Session, seq: int) -> AuditEvent | None:
    return session.scalars(select(AuditEvent).where(AuditEvent.seq == seq)).first()


def chain_place(session: Session, event: AuditEvent) -> ChainPlace:
    previous = _at_seq(session, event.seq - 1) if event.seq > 1 else None
    if event.seq <= 1:
        follows: bool | None = event.prev_hash == GENESIS
    elif previous is None:
        follows = None
    else:
        follows = event.prev_hash == previous.hash
    return ChainPlace(
        event.seq,
        event.prev_hash,
        event.hash,
        content_hash(event),
        follows,
        previous,
        _at_seq(session, event.seq + 1),
    )


# --- the record it touched -----------------------------------------------------------------


def model_for(entity_type: str | None) -> type[Base] | None:
    """The model whose table the trail names (`member` → Member)."""
    for mapper in Base.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == entity_type:
            return mapper.class_
    return None


def _key(model: type[Base], entity_id: str) -> int | None:
    """The record's id as its id column holds it; None for what no row can have."""
    column = inspect(model).primary_key[0]
    top = INT8 if isinstance(column.type, BigInteger) else INT4
    text = entity_id.strip()
    if not text.isascii() or not text.isdecimal() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= top else None


def touched(session: Session, event: AuditEvent) -> Touched:
    kind, ident = event.entity_type, event.entity_id
    if kind is None:
        return Touched(kind, ident, RecordState.NONE)
    model = model_for(kind)
    if model is None or ident is None:
        return Touched(kind, ident, RecordState.UNKNOWN if model is None else RecordState.NONE)
    key = _key(model, ident)
    row = session.get(model, key) if key is not None else None
    if row is not None:
        return Touched(kind, ident, RecordState.EXISTS, row=row)
    deletion = _deletion(session, kind, ident)
    snapshot = deletion.before if deletion is not None else _latest_values(session, kind, ident)
    return Touched(kind, ident, RecordState.DELETED, _masked(snapshot), deletion)


def _record_events(entity_type: str, entity_id: str) -> Any:
    return (
        select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.seq.desc())
    )


def _deletion(session: Session, entity_type: str, entity_id: str) -> AuditEvent | None:
    query = _record_events(entity_type, entity_id).where(
        AuditEvent.action == f"{entity_type}.delete", AuditEvent.outcome == Outcome.SUCCESS
    )
    found: AuditEvent | None = session.scalars(query.limit(1)).first()
    return found if found is not None and found.before else None


def _latest_values(session: Session, entity_type: str, entity_id: str) -> dict[str, Any] | None:
    """What the trail last knew of a record gone without a deletion event: its latest
    successful event's values after it (or before it, when it left none)."""
    query = _record_events(entity_type, entity_id).where(AuditEvent.outcome == Outcome.SUCCESS)
    latest: Sequence[AuditEvent] = session.scalars(query.limit(1)).all()
    if not latest:
        return None
    return latest[0].after or latest[0].before


def _masked(values: Any) -> dict[str, Any] | None:
    if not values:
        return None
    if not isinstance(values, dict):  # a row edited by hand to hold something else
        return {"value": masked("value", values)}
    return {name: masked(name, value) for name, value in values.items()}
