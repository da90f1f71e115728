"""A record's history: the audit events that name it, newest first, a page at a time.

A page is read from the trail's index on (entity_type, entity_id, seq) and the next one
starts below the oldest event shown (`before`), so a page at any depth costs the same.
A client's history also shows the merges of other clients into it and their undoing: the
trail records them on the merged client and on the merge's own record (`client_merge`),
whose events are the ones shown here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from models import AuditEvent, ClientMerge

PAGE_SIZE = 20


@dataclass(frozen=True)
class HistoryPage:
    """Events of one record, newest first; `older` is the `before` of the next page (None:
    this page ends the history)."""

    entity_type: str
    entity_id: str
    events: Sequence[AuditEvent]
    older: int | None


def history_of(
    session: Session,
    entity_type: str,
    entity_id: str,
    before: int | None = None,
    limit: int = PAGE_SIZE,
) -> HistoryPage:
    """The record's events with a sequence number below `before` (all when None), newest
    first, at most `limit` of them."""
    query = select(AuditEvent).where(_concerning(session, entity_type, entity_id))
    if before is not None:
        query = query.where(AuditEvent.seq < before)
    rows = session.scalars(query.order_by(AuditEvent.seq.desc()).limit(limit + 1)).all()
    shown = rows[:limit]
    older = shown[-1].seq if len(rows) > limit else None
    return HistoryPage(entity_type, entity_id, shown, older)


def _concerning(session: Session, entity_type: str, entity_id: str) -> ColumnElement[bool]:
    own = and_(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
    if entity_type != "client" or not entity_id.isdecimal():
        return own
    merges = session.scalars(
        select(ClientMerge.id).where(ClientMerge.target_id == int(entity_id))
    ).all()
    if not merges:
        return own
    into_this = and_(
        AuditEvent.entity_type == "client_merge",
        AuditEvent.entity_id.in_([str(merge) for merge in merges]),
    )
    return or_(own, into_this)
