"""An appointment's states: their labels, how the counters group them, and from which
states each change may start."""

from __future__ import annotations

from admin.i18n import N_, NC_
from models import AppointmentState

STATE_LABELS = {
    "to_confirm": N_("to confirm"),
    "confirmed": N_("confirmed"),
    "postponed": N_("postponed"),
    "cancelled": NC_("appointment state", "cancelled"),
    "done": N_("done"),
}
TO_CONFIRM = (AppointmentState.TO_CONFIRM, AppointmentState.POSTPONED)
CONFIRMED = (AppointmentState.CONFIRMED, AppointmentState.DONE)
TAKEN = TO_CONFIRM + CONFIRMED
# From which states each change may start.
CONFIRMABLE = TO_CONFIRM
POSTPONABLE = (*TO_CONFIRM, AppointmentState.CONFIRMED)
CANCELLABLE = POSTPONABLE
FROM_STATES = {
    "confirm": CONFIRMABLE,
    "postpone": POSTPONABLE,
    "cancel": CANCELLABLE,
    "done": (AppointmentState.CONFIRMED,),
}
