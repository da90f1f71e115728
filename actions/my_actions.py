"""An operator's own trail: the events they caused, newest first, a page at a time.

What a desk needs to answer "did I already send that link?" without asking a supervisor:
when, what, on which record, with what outcome and message. Never where from (addresses
and browsers stay on the supervisor's event page).

A page is read from the index on (operator_username, seq). The time window becomes a lower
bound on `seq` (the first event written at or after the window's start: events are
numbered in the order they are written, under the trail's lock), so a quiet day costs no
scan through the operator's older events; the next page starts below the oldest event
shown (`before`), so a page at any depth costs the same.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from models import AuditEvent, utcnow

PAGE_SIZE = 50
S = TypeVar("S", bound=Select[Any])


class Window(enum.StrEnum):
    """How far back the page looks: since midnight (UTC, the clock the console's times are
    shown on), or the last 7 days."""

    TODAY = "today"
    WEEK = "7d"

    def since(self, now: dt.datetime) -> dt.datetime:
        midnight = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        return midnight if self is Window.TODAY else now - dt.timedelta(days=7)


@dataclass(frozen=True)
class MyActions:
    """One page of an operator's events; `older` is the `before` of the next page (None:
    this page is the window's last); `actions` are the actions they did in the window,
    to narrow the page by."""

    events: Sequence[AuditEvent]
    older: int | None
    actions: Sequence[str]


def my_actions(
    session: Session,
    username: str,
    window: Window = Window.TODAY,
    *,
    action: str | None = None,
    before: int | None = None,
    now: dt.datetime | None = None,
    limit: int = PAGE_SIZE,
) -> MyActions:
    """The events of `username` in `window`, newest first, of `action` only when given,
    with a sequence number below `before` when given."""
    since = window.since(now or utcnow())
    first = _first_seq_since(session, since)
    if first is None:
        return MyActions([], None, [])
    mine = _in_window(select(AuditEvent), username, since, first)
    if action:
        mine = mine.where(AuditEvent.action == action)
    if before is not None:
        mine = mine.where(AuditEvent.seq < before)
    rows = session.scalars(mine.order_by(AuditEvent.seq.desc()).limit(limit + 1)).all()
    shown = rows[:limit]
    older = shown[-1].seq if len(rows) > limit else None
    return MyActions(shown, older, _actions_done(session, username, since, first))


def _first_seq_since(session: Session, since: dt.datetime) -> int | None:
    """The number of the trail's first event written at or after `since` (index on `at`)."""
    query = select(AuditEvent.seq).where(AuditEvent.at >= since)
    return session.scalar(query.order_by(AuditEvent.at, AuditEvent.seq).limit(1))


def _in_window(query: S, username: str, since: dt.datetime, first: int) -> S:
    return query.where(
        AuditEvent.operator_username == username,
        AuditEvent.seq >= first,
        AuditEvent.at >= since,  # an event written with a clock set back stays out
    )


def _actions_done(session: Session, username: str, since: dt.datetime, first: int) -> list[str]:
    query = _in_window(select(AuditEvent.action).distinct(), username, since, first)
    return sorted(session.scalars(query).all())
