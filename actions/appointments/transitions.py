"""An appointment's changes after booking: confirm, postpone, cancel (up to 2 days before
its start), mark done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from actions.appointments.clock import cancellation_closes_at, parse_wall_time, shown, to_utc
from actions.appointments.desk import desk_changing
from actions.appointments.states import FROM_STATES, STATE_LABELS
from actions.appointments.unavailability import check_agent_free
from actions.context import Actor
from actions.errors import Conflict, Refused, Term
from admin.i18n import N_
from models import Appointment, AppointmentState, utcnow


def confirm(
    session: Session,
    actor: Actor,
    appointment_id: int,
    *,
    expected_version: int | None = None,
) -> Appointment:
    with _transition(session, actor, appointment_id, expected_version, "confirm") as appointment:
        appointment.state = AppointmentState.CONFIRMED
    return appointment


def postpone(
    session: Session,
    actor: Actor,
    appointment_id: int,
    new_start: str,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """A new start, at any time before it; the appointment then waits for confirmation."""
    now = now or utcnow()
    with _transition(session, actor, appointment_id, expected_version, "postpone") as appointment:
        campaign = appointment.campaign
        starts_at = to_utc(campaign, parse_wall_time(new_start))
        if starts_at <= now:
            raise Refused(
                N_("The new start %(start)s has already passed: choose a later one."),
                field="starts_at",
                start=shown(campaign, starts_at),
            )
        if starts_at == appointment.starts_at:
            raise Refused(N_("The new start is the same as the old one."), field="starts_at")
        check_agent_free(session, campaign, appointment.agent, starts_at)
        appointment.starts_at = starts_at
        appointment.state = AppointmentState.POSTPONED
    return appointment


def cancel(
    session: Session,
    actor: Actor,
    appointment_id: int,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Accepted up to 2 days before the start; the place is freed, and the appointment
    counts as one to recover."""
    now = now or utcnow()
    with _transition(session, actor, appointment_id, expected_version, "cancel") as appointment:
        campaign = appointment.campaign
        closes_at = cancellation_closes_at(campaign, appointment.starts_at)
        if now > closes_at:
            raise Refused(
                N_(
                    "A cancellation must come at least 2 days before the appointment: for "
                    "%(start)s the last moment was %(closed)s (%(zone)s). The appointment stays; "
                    "postpone it instead if the prospect agrees."
                ),
                start=shown(campaign, appointment.starts_at),
                closed=shown(campaign, closes_at),
                zone=campaign.time_zone,
            )
        appointment.state = AppointmentState.CANCELLED
    return appointment


def mark_done(
    session: Session,
    actor: Actor,
    appointment_id: int,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    now = now or utcnow()
    with _transition(session, actor, appointment_id, expected_version, "done") as appointment:
        if appointment.starts_at > now:
            raise Refused(
                N_("The appointment starts at %(start)s: it can be marked done after that."),
                start=shown(appointment.campaign, appointment.starts_at),
            )
        appointment.state = AppointmentState.DONE
    return appointment


@contextmanager
def _transition(
    session: Session,
    actor: Actor,
    appointment_id: int,
    expected_version: int | None,
    action: str,
) -> Iterator[Appointment]:
    """An audited change of an appointment that starts from one of the states `action`
    allows (FROM_STATES)."""
    appointment = _appointment(session, appointment_id, expected_version)
    with desk_changing(session, actor, f"appointment.{action}", appointment):
        if appointment.state not in FROM_STATES[action]:
            raise Refused(
                N_(
                    "This appointment is %(state)s, so it cannot be changed that way. If the "
                    "prospect wants to meet, book a new appointment."
                ),
                state=Term(STATE_LABELS[appointment.state.value]),
            )
        yield appointment


def _appointment(
    session: Session, appointment_id: int, expected_version: int | None = None
) -> Appointment:
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        raise Refused(N_("This appointment no longer exists."))
    if expected_version is not None and appointment.version != expected_version:
        raise Conflict(
            N_("Someone else changed this appointment since you opened it: look at it again.")
        )
    return appointment
