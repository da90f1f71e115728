"""The supervisor's trail: audit events narrowed by operator, time, action, outcome and
record, newest first, a page at a time by sequence number.

A page is read after a cursor (`before`, the last sequence number shown), never at an
offset: the 20,000th page costs what the first does, and an event written while a
supervisor pages on neither repeats a row nor hides one. Each filter alone is served by an
index that ends with `seq` (migration 0012), so its page is read in order and stops after
51 rows; a time window that holds few events is read from the index on `at` first. Two
filters together (an operator and an action) are read from one of their indexes: when they
share few events, that index is read further.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, text
from sqlalchemy.orm import Session, load_only

from actions.errors import Refused
from admin.i18n import N_
from models import AuditEvent, Outcome

PAGE_SIZE = 50
WINDOWS = ("hour", "today", "7d", "range")
FILTERS = ("operator", "window", "since", "until", "action", "outcome", "entity_type", "entity_id")
LARGEST_SEQ = 2**31 - 1  # the largest number the sequence column holds (PostgreSQL int4)
LONGEST_VALUE = 200  # longer than any operator, action or record type the trail holds
# A time window holding fewer events than this is read from the index on `at` first; a
# fuller one down the trail's order, where its newest events are met first.
WINDOW_PROBE = 20_000
WINDOW_COLUMNS = ("id", "seq", "operator_username", "action", "outcome", "entity_type", "entity_id")
SHOWN = (
    AuditEvent.id,
    AuditEvent.seq,
    AuditEvent.at,
    AuditEvent.operator_username,
    AuditEvent.action,
    AuditEvent.entity_type,
    AuditEvent.entity_id,
    AuditEvent.outcome,
    AuditEvent.message,
)


@dataclass(frozen=True)
class TrailFilters:
    """What the supervisor narrowed the trail to; None: not narrowed by that."""

    operator: str | None = None
    window: str | None = None  # hour, today, 7d or range (since and until)
    since: dt.date | None = None
    until: dt.date | None = None
    action: str | None = None
    outcome: Outcome | None = None
    entity_type: str | None = None
    entity_id: str | None = None
    before: int | None = None  # the page after this sequence number

    def first_page(self) -> TrailFilters:
        return replace(self, before=None)


@dataclass(frozen=True)
class TrailPage:
    """Up to PAGE_SIZE events, newest first, and the cursor of the next (older) page."""

    events: Sequence[AuditEvent]
    next_before: int | None


def filters_from(params: Mapping[str, str]) -> TrailFilters:
    """The filters of the trail's address. A value that cannot be one (an unknown outcome,
    a record number or page that is not a number, a day that is not a day, a period that
    ends before it starts) is refused, naming its field."""
    since = _day(params, "since")
    until = _day(params, "until")
    window = _window(params.get("window", "").strip(), since, until)
    if since and until and until < since:
        raise Refused(N_("The period ends before it starts."), field="until")
    entity_type = _text(params, "entity_type")
    entity_id = _record_number(params.get("entity_id", ""))
    if entity_id is not None and entity_type is None:
        raise Refused(N_("Choose the record's type with its number."), field="entity_type")
    return TrailFilters(
        operator=_text(params, "operator"),
        window=window,
        since=since if window == "range" else None,
        until=until if window == "range" else None,
        action=_text(params, "action"),
        outcome=_outcome(params.get("outcome", "").strip()),
        entity_type=entity_type,
        entity_id=entity_id,
        before=_cursor(params.get("before", "")),
    )


def _text(params: Mapping[str, str], name: str) -> str | None:
    value = params.get(name, "").strip()
    if "\x00" in value or len(value) > LONGEST_VALUE:
        raise Refused(N_("No event of the trail holds what was typed there."), field=name)
    return value or None


def _day(params: Mapping[str, str], name: str) -> dt.date | None:
    typed = params.get(name, "").strip()
    if not typed:
        return None
    try:
        day = dt.date.fromisoformat(typed)
    except ValueError:
        day = None
    if day is None or len(typed) != 10 or not 1900 <= day.year <= 2100:
        raise Refused(N_("Write the day like 2026-10-27."), field=name)
    return day


def _window(typed: str, since: dt.date | None, until: dt.date | None) -> str | None:
    """A range needs no `window=range`: a day typed in since or until makes one."""
    if typed and typed not in WINDOWS:
        raise Refused(
            N_("Choose the last hour, today, the last 7 days or a range."), field="window"
        )
    if since or until:
        return "range"
    return typed or None


def _outcome(typed: str) -> Outcome | None:
    if not typed:
        return None
    try:
        return Outcome(typed)
    except ValueError:
        raise Refused(N_("An outcome is success, refused or error."), field="outcome") from None


def _number(typed: str) -> int | None:
    text_ = typed.strip()
    if not text_.isascii() or not text_.isdecimal() or len(text_) > 10 or int(text_) > LARGEST_SEQ:
        return None
    return int(text_)


def _record_number(typed: str) -> str | None:
    if not typed.strip():
        return None
    number = _number(typed)
    if number is None:
        raise Refused(N_("A record's number is written in digits, like 42."), field="entity_id")
    return str(number)


def _cursor(typed: str) -> int | None:
    if not typed.strip():
        return None
    number = _number(typed)
    if number is None:
        raise Refused(N_("There is no such page of the trail: start again from the newest events."))
    return number


def window_start(filters: TrailFilters, now: dt.datetime) -> dt.datetime | None:
    """The first moment of the window (UTC, as the trail's times are shown)."""
    if filters.window == "hour":
        return now - dt.timedelta(hours=1)
    if filters.window == "today":
        return dt.datetime.combine(now.date(), dt.time(), tzinfo=dt.UTC)
    if filters.window == "7d":
        return now - dt.timedelta(days=7)
    if filters.since is not None:
        return dt.datetime.combine(filters.since, dt.time(), tzinfo=dt.UTC)
    return None


def window_end(filters: TrailFilters) -> dt.datetime | None:
    """The first moment after a range (its last day included)."""
    if filters.window != "range" or filters.until is None:
        return None
    return dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def conditions(filters: TrailFilters, now: dt.datetime) -> list[ColumnElement[bool]]:
    """The WHERE clause of `filters`, evaluated at `now`."""
    return [*narrowing(filters, AuditEvent), *in_window(filters, now)]


def narrowing(filters: TrailFilters, columns: Any) -> list[ColumnElement[bool]]:
    """Every filter but the time window, on `columns` (the table's, or a window's rows)."""
    equal = {
        "operator_username": filters.operator,
        "action": filters.action,
        "outcome": filters.outcome,
        "entity_type": filters.entity_type,
        "entity_id": filters.entity_id,
    }
    found = [getattr(columns, name) == value for name, value in equal.items() if value is not None]
    if filters.before is not None:
        found.append(columns.seq < filters.before)
    return found


def in_window(filters: TrailFilters, now: dt.datetime) -> list[ColumnElement[bool]]:
    start, end = window_start(filters, now), window_end(filters)
    found: list[ColumnElement[bool]] = []
    if start is not None:
        found.append(AuditEvent.at >= start)
    if end is not None:
        found.append(AuditEvent.at < end)
    return found


def holds_few(session: Session, window: list[ColumnElement[bool]]) -> bool:
    """Whether the window holds fewer than WINDOW_PROBE events (counted on the index on
    `at` alone, up to that many)."""
    probe = select(AuditEvent.at).where(*window).limit(WINDOW_PROBE).subquery()
    return (session.scalar(select(func.count()).select_from(probe)) or 0) < WINDOW_PROBE


def page_in_window(filters: TrailFilters, window: list[ColumnElement[bool]]) -> Select[Any]:
    """The ids of the page among the events of a window that holds few: the window's
    events are read first (through the index on `at`), then narrowed and ordered.

    Read down the trail's order, a window holding few events (the last hour, at night)
    would be looked for back to the very first event; read this way it costs what it holds,
    whatever order its events' times were written in."""
    held = (
        select(*(getattr(AuditEvent, name) for name in WINDOW_COLUMNS))
        .where(*window)
        .cte("in_window")
        .prefix_with("MATERIALIZED")
    )
    return (
        select(held.c.id)
        .where(*narrowing(filters, held.c))
        .order_by(held.c.seq.desc())
        .limit(PAGE_SIZE + 1)
    )


def trail(session: Session, filters: TrailFilters, *, now: dt.datetime) -> TrailPage:
    """The page of events `filters` asks for, newest first, and the next page's cursor
    (None on the last page). Only the columns a row of the trail shows are read."""
    window = in_window(filters, now)
    if window and holds_few(session, window):
        where: list[ColumnElement[bool]] = [AuditEvent.id.in_(page_in_window(filters, window))]
    else:
        where = conditions(filters, now)
    query = (
        select(AuditEvent)
        .options(load_only(*SHOWN))
        .where(*where)
        .order_by(AuditEvent.seq.desc())
        .limit(PAGE_SIZE + 1)
    )
    events = list(session.scalars(query))
    more = len(events) > PAGE_SIZE
    events = events[:PAGE_SIZE]
    return TrailPage(events, events[-1].seq if more else None)


# Each column's values are read by skipping through its index, one step per value: 15 steps
# for 15 actions at a million events, not a million rows read.
_DISTINCT = """
    WITH RECURSIVE v(x) AS (
        SELECT min({column}) FROM audit_event
        UNION ALL
        SELECT (SELECT min({column}) FROM audit_event WHERE {column} > v.x) FROM v
        WHERE v.x IS NOT NULL
    )
    SELECT x FROM v WHERE x IS NOT NULL
"""
CHOICES = ("operator_username", "action", "entity_type")


def choices(session: Session, column: str) -> list[str]:
    """The values of `column` (one of CHOICES) found in the trail, in order."""
    if column not in CHOICES:
        raise ValueError(column)
    return list(session.scalars(text(_DISTINCT.format(column=column))))
