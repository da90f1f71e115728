"""The hash chain of the audit trail: each event's hash covers its content and the previous
event's hash, assigned as the event is inserted (writers take turns); `verify()` recomputes
the chain in order and names the first event that does not match."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, event, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapper, Session

from models import AuditEvent, utcnow

GENESIS = "0" * 64
_TAIL = "sportello_audit_tail"
_ADVISORY_LOCK_KEY = 4_242_001


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def content_hash(event_row: AuditEvent | Any) -> str:
    payload = {
        "seq": event_row.seq,
        "at": _jsonable(event_row.at),
        "operator_id": event_row.operator_id,
        "operator_username": event_row.operator_username,
        "operator_role": event_row.operator_role,
        "ip": event_row.ip,
        "user_agent": event_row.user_agent,
        "request_id": event_row.request_id,
        "action": event_row.action,
        "entity_type": event_row.entity_type,
        "entity_id": event_row.entity_id,
        "before": event_row.before,
        "after": event_row.after,
        "reason": event_row.reason,
        "outcome": _jsonable(event_row.outcome),
        "message": event_row.message,
        "prev_hash": event_row.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@event.listens_for(AuditEvent, "before_insert")
def _chain(_mapper: Mapper[Any], connection: Connection, target: AuditEvent) -> None:
    tail = connection.info.get(_TAIL)
    if tail is None:
        if connection.dialect.name == "postgresql":
            # Writers of the trail take turns until their transaction ends.
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY}
            )
        row = connection.execute(
            select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
        ).first()
        tail = (row[0], row[1]) if row else (0, GENESIS)
    target.at = target.at or utcnow()
    target.seq = tail[0] + 1
    target.prev_hash = tail[1]
    target.hash = content_hash(target)
    connection.info[_TAIL] = (target.seq, target.hash)


def _forget_tail(conn: Connection, *_args: Any) -> None:
    conn.info.pop(_TAIL, None)


for _name in ("commit", "rollback", "rollback_savepoint", "begin"):
    event.listen(Engine, _name, _forget_tail)


@dataclass(frozen=True)
class Verdict:
    intact: bool
    count: int
    first_bad_seq: int | None = None
    problem: str | None = None


def verify(session: Session, batch: int = 1000) -> Verdict:
    """Recompute every hash in order; name the first event that does not match."""
    expected_prev, expected_seq, count = GENESIS, 1, 0
    query = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch)
    # Closed on an early return too: on PostgreSQL yield_per holds a server-side cursor.
    with session.scalars(query) as rows:
        for row in rows:
            if row.seq != expected_seq:
                return Verdict(False, count, expected_seq, f"event {expected_seq} is missing")
            if row.prev_hash != expected_prev:
                return Verdict(False, count, row.seq, "previous hash does not match")
            if content_hash(row) != row.hash:
                return Verdict(False, count, row.seq, "content does not match its hash")
            expected_prev, expected_seq, count = row.hash, expected_seq + 1, count + 1
    return Verdict(True, count)
