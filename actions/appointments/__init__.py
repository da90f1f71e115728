"""Appointment campaigns (seed 003).

A customer buys a number of appointments ("purchased"). "Taken" is confirmed + to confirm:
a postponed appointment waits for its new date to be confirmed, so it counts as to
confirm; a done appointment was confirmed and still counts as confirmed. When taken reaches
purchased the campaign is full until it is renewed; a cancelled appointment frees its place
and is counted as one to recover.

Every time rule is checked on the campaign's clock, in its time zone, so the seed's examples
hold whatever the clocks do in between:
- booking closes 36 hours of that clock before the start (2 October 12:00 -> from 1 October
  00:00);
- a cancellation is accepted up to 2 days before the start, to the minute;
- an unavailability is declared at least 8 days ahead (for the 27th, by the 19th, 23:59).
Confirming and postponing are allowed at any time.

The package's modules, one concept each: `clock` (the time rules), `states`, `reports` (the
counters), `campaigns` (form checks, renewal), `desk` (who may change what, the campaign
lock), `booking`, `transitions` (confirm, postpone, cancel, done) and `unavailability`. The
names below are what views, commands and tests call.
"""

from __future__ import annotations

from actions.appointments.booking import Booking, book
from actions.appointments.campaigns import (
    CAMPAIGN_STATE_LABELS,
    MAX_PURCHASED,
    check_purchased,
    check_time_zone,
    renew,
)
from actions.appointments.clock import (
    BOOKING_NOTICE,
    CANCELLATION_NOTICE,
    TIME_FORMAT,
    UNAVAILABILITY_NOTICE_DAYS,
    YEARS,
    booking_closes_at,
    cancellation_closes_at,
    earliest_unavailable_day,
    last_day_to_declare,
    local,
    parse_day,
    parse_wall_time,
    time_zone,
    to_utc,
)
from actions.appointments.desk import require_desk, require_supervisor
from actions.appointments.reports import (
    COLUMNS,
    GROUPINGS,
    Counters,
    Grouping,
    ReportRow,
    counters,
    report,
)
from actions.appointments.states import (
    CANCELLABLE,
    CONFIRMABLE,
    CONFIRMED,
    FROM_STATES,
    POSTPONABLE,
    STATE_LABELS,
    TAKEN,
    TO_CONFIRM,
)
from actions.appointments.transitions import cancel, confirm, mark_done, postpone
from actions.appointments.unavailability import declare_unavailability

__all__ = [
    "BOOKING_NOTICE",
    "CAMPAIGN_STATE_LABELS",
    "CANCELLABLE",
    "CANCELLATION_NOTICE",
    "COLUMNS",
    "CONFIRMABLE",
    "CONFIRMED",
    "FROM_STATES",
    "GROUPINGS",
    "MAX_PURCHASED",
    "POSTPONABLE",
    "STATE_LABELS",
    "TAKEN",
    "TIME_FORMAT",
    "TO_CONFIRM",
    "UNAVAILABILITY_NOTICE_DAYS",
    "YEARS",
    "Booking",
    "Counters",
    "Grouping",
    "ReportRow",
    "book",
    "booking_closes_at",
    "cancel",
    "cancellation_closes_at",
    "check_purchased",
    "check_time_zone",
    "confirm",
    "counters",
    "declare_unavailability",
    "earliest_unavailable_day",
    "last_day_to_declare",
    "local",
    "mark_done",
    "parse_day",
    "parse_wall_time",
    "postpone",
    "renew",
    "report",
    "require_desk",
    "require_supervisor",
    "time_zone",
    "to_utc",
]
