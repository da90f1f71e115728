"""What the supervisors' dashboard shows: who did how much, day by day; where operators are
refused; messages that do not go out; the queues waiting for someone; actions outside
working hours; risky actions nobody reviewed yet.

Every figure reads a bounded window (the last 14 or 7 days) through an index: the trail's
window is turned into a range of sequence numbers first (`first_seq_since`), so the refusals
are read from the (outcome, seq) index at any size of the trail.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, literal_column, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from actions import audit_review
from actions.tickets import overdue_clause
from models import (
    AuditEvent,
    Member,
    MemberState,
    OutboxMessage,
    OutboxStatus,
    Outcome,
    Ticket,
    utcnow,
)

# The console's clock: the desks work in Italy, France and the Netherlands, all on Central
# European Time. Working hours are Monday to Friday, from 8:00 to 19:00 on that clock; an
# action at 19:00 or later, before 8:00, or on a Saturday or a Sunday is outside them.
TIME_ZONE = ZoneInfo("Europe/Rome")
WORKING_HOURS = (8, 19)  # from the start of the first hour to the start of the second
WORKING_DAYS = frozenset(range(5))  # Monday (0) to Friday (4)

ACTIVITY_DAYS = 14
RECENT_DAYS = 7
TOP_REFUSALS = 10


def is_working_time(moment: dt.datetime) -> bool:
    local = moment.astimezone(TIME_ZONE)
    start, end = WORKING_HOURS
    return local.weekday() in WORKING_DAYS and start <= local.hour < end


def day_start(day: dt.date) -> dt.datetime:
    """The first moment of a day on the console's clock, in UTC."""
    return dt.datetime.combine(day, dt.time(), TIME_ZONE).astimezone(dt.UTC)


def first_seq_since(session: Session, since: dt.datetime) -> int | None:
    """The sequence number of the first event at or after `since` (None: no event since):
    one step down the index on `at`."""
    return session.scalar(
        select(AuditEvent.seq).where(AuditEvent.at >= since).order_by(AuditEvent.at).limit(1)
    )


# --- actions per operator per day ---------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    days: list[dt.date]  # oldest first, today last
    per_operator: dict[str, list[int]]  # operator: one count per day, in `days` order
    outside_hours: dict[str, int]  # operator: actions outside working hours, last 7 days

    @property
    def outside_total(self) -> int:
        return sum(self.outside_hours.values())


def _hour(session: Session) -> ColumnElement[str]:
    """The event's hour, as text `YYYY-MM-DD HH` in UTC (the database keeps UTC)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(AuditEvent.at, literal_column("'YYYY-MM-DD HH24'"))
    return func.strftime("%Y-%m-%d %H", AuditEvent.at)


def activity(session: Session, now: dt.datetime | None = None) -> Activity:
    """Operators' events (every outcome) per day on the console's clock, counted per hour
    in the database, so that the hours outside working time come from the same reading."""
    now = now or utcnow()
    today = now.astimezone(TIME_ZONE).date()
    days = [today - dt.timedelta(days=n) for n in range(ACTIVITY_DAYS - 1, -1, -1)]
    recent = days[-RECENT_DAYS]
    hour = _hour(session)
    rows = session.execute(
        select(hour, AuditEvent.operator_username, func.count())
        .where(AuditEvent.at >= day_start(days[0]), AuditEvent.operator_role.is_not(None))
        .group_by(hour, AuditEvent.operator_username)  # hour first: read through `at`
    )
    per_day: dict[str, Counter[dt.date]] = defaultdict(Counter)
    outside: Counter[str] = Counter()
    hours: dict[str, tuple[dt.date, bool]] = {}  # an hour's local day, and if it is worked
    for text, operator, count in rows:
        if text not in hours:
            moment = dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
            hours[text] = (moment.astimezone(TIME_ZONE).date(), is_working_time(moment))
        local_day, worked = hours[text]
        per_day[operator or ""][local_day] += count
        if local_day >= recent and not worked:
            outside[operator or ""] += count
    return Activity(
        days,
        {name: [counts[d] for d in days] for name, counts in sorted(per_day.items())},
        dict(sorted(outside.items(), key=lambda item: (-item[1], item[0]))),
    )


# --- refusals by rule ---------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    action: str
    message: str
    count: int


def refusals(session: Session, now: dt.datetime | None = None) -> list[Refusal]:
    """The rules operators ran into most over the last 7 days: refused events grouped by
    action and message, most frequent first."""
    start = (now or utcnow()) - dt.timedelta(days=RECENT_DAYS)
    since = first_seq_since(session, start)
    if since is None:
        return []
    count = func.count().label("count")
    rows = session.execute(
        select(AuditEvent.action, AuditEvent.message, count)
        .where(AuditEvent.outcome == Outcome.REFUSED, AuditEvent.seq >= since)
        .where(AuditEvent.at >= start)
        .group_by(AuditEvent.action, AuditEvent.message)
        .order_by(count.desc(), AuditEvent.action, AuditEvent.message)
        .limit(TOP_REFUSALS)
    )
    return [Refusal(action, message or "", int(n)) for action, message, n in rows]


# --- the dashboard ------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    activity: Activity
    refusals: list[Refusal]
    outbox_failed: int  # given up, among the messages of the last 7 days
    outbox_retrying: int  # waiting for another attempt after a failed one
    to_validate: int
    overdue_tickets: int
    unreviewed: int
    now: dt.datetime = field(default_factory=utcnow)


def _count(session: Session, query: Select[Any]) -> int:
    return int(session.scalar(query) or 0)


def dashboard(session: Session, now: dt.datetime | None = None) -> Dashboard:
    now = now or utcnow()
    recent = now - dt.timedelta(days=RECENT_DAYS)
    outbox = select(func.count(OutboxMessage.id))
    return Dashboard(
        activity=activity(session, now),
        refusals=refusals(session, now),
        outbox_failed=_count(
            session,
            outbox.where(
                OutboxMessage.status == OutboxStatus.FAILED, OutboxMessage.created_at >= recent
            ),
        ),
        outbox_retrying=_count(
            session,
            outbox.where(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.attempts > 0),
        ),
        to_validate=_count(
            session,
            select(func.count(Member.id)).where(
                Member.state == MemberState.PENDING, Member.info_complete
            ),
        ),
        overdue_tickets=_count(session, select(func.count(Ticket.id)).where(overdue_clause(now))),
        unreviewed=audit_review.unreviewed_count(session),
        now=now,
    )
