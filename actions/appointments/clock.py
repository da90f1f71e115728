"""The campaign's clock: every time rule of seed 003 is read in the campaign's time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from actions.errors import Moment, Refused
from admin.i18n import N_
from models import Campaign

BOOKING_NOTICE = dt.timedelta(hours=36)
CANCELLATION_NOTICE = dt.timedelta(days=2)
UNAVAILABILITY_NOTICE_DAYS = 8
TIME_FORMAT = "%Y-%m-%d %H:%M"
YEARS = range(1900, 2101)  # what a desk books or reports on; beyond is a typing slip


def time_zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise Refused(
            N_("“%(zone)s” is not a time zone: write one like Europe/Rome or Europe/Paris."),
            field="time_zone",
            zone=name,
        ) from None


def local(campaign: Campaign, moment: dt.datetime) -> dt.datetime:
    """A UTC moment on the campaign's clock (aware)."""
    return moment.astimezone(time_zone(campaign.time_zone))


def to_utc(campaign: Campaign, wall: dt.datetime) -> dt.datetime:
    """A time read on the campaign's clock (naive) as a UTC moment. A time the clocks skip
    when they go forward does not exist and is refused; a time they pass twice when they go
    back is the first one."""
    zone = time_zone(campaign.time_zone)
    moment = wall.replace(tzinfo=zone, fold=0)
    if moment.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != wall:
        raise Refused(
            N_(
                "%(time)s does not exist in %(zone)s: the clocks go forward then. Choose another time."
            ),
            field="starts_at",
            time=Moment(wall, wall.strftime(TIME_FORMAT)),
            zone=campaign.time_zone,
        )
    return moment.astimezone(dt.UTC)


def _wall_shift(campaign: Campaign, moment: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """`moment` moved by `delta` on the campaign's clock (so 36 hours before 12:00 is 00:00
    the day before, even when the clocks change in between), as a UTC moment."""
    wall = local(campaign, moment).replace(tzinfo=None) + delta
    return wall.replace(tzinfo=time_zone(campaign.time_zone), fold=0).astimezone(dt.UTC)


def booking_closes_at(campaign: Campaign, starts_at: dt.datetime) -> dt.datetime:
    return _wall_shift(campaign, starts_at, -BOOKING_NOTICE)


def cancellation_closes_at(campaign: Campaign, starts_at: dt.datetime) -> dt.datetime:
    return _wall_shift(campaign, starts_at, -CANCELLATION_NOTICE)


def last_day_to_declare(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=UNAVAILABILITY_NOTICE_DAYS)


def earliest_unavailable_day(campaign: Campaign, now: dt.datetime) -> dt.date:
    return local(campaign, now).date() + dt.timedelta(days=UNAVAILABILITY_NOTICE_DAYS)


def day_starts(campaign: Campaign, day: dt.date) -> dt.datetime:
    """Midnight of `day` on the campaign's clock, as a UTC moment."""
    wall = dt.datetime.combine(day, dt.time())
    return wall.replace(tzinfo=time_zone(campaign.time_zone)).astimezone(dt.UTC)


def shown(campaign: Campaign, moment: dt.datetime) -> Moment:
    """A moment as a refusal shows it, on the campaign's clock: `2026-10-02 12:00` in the
    audit, as the operator's language writes it on screen."""
    wall = local(campaign, moment).replace(tzinfo=None)
    return Moment(wall, wall.strftime(TIME_FORMAT))


def parse_wall_time(typed: str, field: str = "starts_at") -> dt.datetime:
    """A date and time typed in a form (`2026-10-02T12:00` or `2026-10-02 12:00`)."""
    try:
        wall = dt.datetime.fromisoformat(typed.strip().replace(" ", "T")).replace(tzinfo=None)
    except ValueError:
        wall = None
    if wall is None or wall.year not in YEARS:
        raise Refused(N_("Write the date and time like 2026-10-02 12:00."), field=field)
    return wall


def parse_day(typed: str, field: str = "day") -> dt.date:
    try:
        day = dt.date.fromisoformat(typed.strip())
    except ValueError:
        day = None
    if day is None or day.year not in YEARS:
        raise Refused(N_("Write the day like 2026-10-27."), field=field)
    return day
