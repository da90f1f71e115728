"""Appointments (seed 003): confirmed, postponed, cancelled or done through their row actions,
on their list and on their campaign's page."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette_admin import DateTimeField, HasOne, IntegerField, StringField, TextAreaField

from actions import appointments
from actions.errors import Refused
from admin.i18n import N_, lazy_gettext
from models import Appointment, AppointmentState
from views.base import SportelloModelView, StateField
from views.fragments import FormRowActions, RowAction, call, form_int


def _state_in(*states: AppointmentState) -> Any:
    values = {s.value for s in states}
    return lambda row: row.get("state") in values


class AppointmentView(FormRowActions, SportelloModelView):
    model = Appointment
    key = "appointments"
    display_name = lazy_gettext("Appointment")
    menu_label = lazy_gettext("Appointments")
    icon = "fa fa-calendar-check"
    action_template = "appointment_action_form.html"
    subject = "appointment"
    state_labels = appointments.STATE_LABELS
    create_role = None  # booked through "Book" on its campaign, which applies the rules
    edit_role = None  # changed only through its row actions
    fields = [
        IntegerField("id", label=lazy_gettext("No.")),
        StringField("local_start", label=lazy_gettext("Start (campaign time)")),
        DateTimeField("starts_at", label=lazy_gettext("Start (UTC)"), exclude_from_list=True),
        HasOne("campaign", key="campaigns", label=lazy_gettext("Campaign")),
        HasOne("agent", key="agents", label=lazy_gettext("Agent")),
        StringField("prospect", label=lazy_gettext("Prospect")),
        StringField("address", label=lazy_gettext("Address")),
        StateField(
            "state",
            enum=AppointmentState,
            labels=appointments.STATE_LABELS,
            label=lazy_gettext("State"),
        ),
        TextAreaField("notes", label=lazy_gettext("Notes"), exclude_from_list=True),
        DateTimeField("booked_at", label=lazy_gettext("Booked"), exclude_from_list=True),
        StringField("booked_by", label=lazy_gettext("Booked by"), exclude_from_list=True),
    ]
    searchable_fields = ["prospect", "address", "state", "campaign", "agent"]
    sortable_fields = ["id", "starts_at", "state", "prospect"]
    fields_default_sort = [("starts_at", True)]
    htmx_row_actions = [
        RowAction(
            "confirm",
            lazy_gettext("Confirm"),
            "fa fa-check",
            "confirm-appointment",
            available=_state_in(*appointments.CONFIRMABLE),
        ),
        RowAction(
            "postpone",
            lazy_gettext("Postpone"),
            "fa fa-clock-rotate-left",
            "postpone",
            available=_state_in(*appointments.POSTPONABLE),
        ),
        RowAction(
            "cancel",
            lazy_gettext("Cancel"),
            "fa fa-ban",
            "cancel-appointment",
            available=_state_in(*appointments.CANCELLABLE),
        ),
        RowAction(
            "done",
            lazy_gettext("Mark done"),
            "fa fa-flag-checkered",
            "done",
            available=_state_in(AppointmentState.CONFIRMED),
        ),
    ]

    async def _context(self, request: Request, pk: int, action: str) -> dict[str, Any]:
        appointment = await call(request, lambda db, i: db.get(Appointment, i), pk)
        if appointment is None:
            raise Refused(N_("This appointment no longer exists."))
        on_campaign_page = "/campaigns/detail" in request.headers.get("hx-current-url", "")
        return {
            "view": self,
            "appointment": appointment,
            "action": action,
            "row_scope": "#campaign-appointments " if on_campaign_page else "",
        }

    def _params(self, obj: Any) -> dict[str, Any]:
        return {"prospect": obj.prospect, "start": obj.local_start}

    def _change(self, request: Request, pk: int, action: str, change: Any, message: str) -> Any:
        def run(db: Session, who: Any, values: dict[str, str]) -> Appointment:
            version = form_int(values.get("version"))
            if action == "postpone":
                return change(db, who, pk, values.get("starts_at", ""), expected_version=version)
            return change(db, who, pk, expected_version=version)

        return self._perform(request, pk, action, run, message)

    async def confirm_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "confirm")

    async def confirm_submit(self, request: Request, pk: int) -> Response:
        return await self._change(
            request,
            pk,
            "confirm",
            appointments.confirm,
            N_("The appointment with %(prospect)s on %(start)s is confirmed."),
        )

    async def postpone_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "postpone")

    async def postpone_submit(self, request: Request, pk: int) -> Response:
        return await self._change(
            request,
            pk,
            "postpone",
            appointments.postpone,
            N_("The appointment with %(prospect)s is postponed to %(start)s, to confirm."),
        )

    async def cancel_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "cancel")

    async def cancel_submit(self, request: Request, pk: int) -> Response:
        return await self._change(
            request,
            pk,
            "cancel",
            appointments.cancel,
            N_("The appointment with %(prospect)s on %(start)s is cancelled; its place is free."),
        )

    async def done_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "done")

    async def done_submit(self, request: Request, pk: int) -> Response:
        return await self._change(
            request,
            pk,
            "done",
            appointments.mark_done,
            N_("The appointment with %(prospect)s on %(start)s is done."),
        )
