"""Appointment campaigns (seed 003): campaigns with their boxes, agents, appointments and
unavailabilities, their row actions, and the report page with its chart and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette_admin import (
    DateField,
    DateTimeField,
    HasOne,
    IntegerField,
    StringField,
    TextAreaField,
)
from starlette_admin.views import Link

from actions import appointments
from actions.appointments import Booking, Counters
from actions.errors import Refused
from actions.spreadsheet import safe_text
from admin.auth import has_role
from admin.i18n import N_, _, lazy_gettext
from models import (
    Agent,
    Appointment,
    AppointmentState,
    Campaign,
    CampaignState,
    Role,
    Unavailability,
)
from views.base import SportelloModelView, StateField, version_field
from views.fragments import (
    FormRowActions,
    RowAction,
    call,
    forbidden,
    form_int,
    list_row,
    operator_link,
    render,
)


def _state_in(*states: AppointmentState) -> Any:
    values = {s.value for s in states}
    return lambda row: row.get("state") in values


def _active(row: dict[str, Any]) -> bool:
    return row.get("state") == CampaignState.ACTIVE.value


def campaign_counters(campaign: Campaign) -> Counters:
    """The boxes of a campaign shown on its page (a template global)."""
    session = object_session(campaign)
    assert session is not None, "a campaign shown on its page belongs to the request's session"
    return appointments.counters(session, campaign)


class CampaignView(FormRowActions, SportelloModelView):
    model = Campaign
    key = "campaigns"
    display_name = lazy_gettext("Campaign")
    menu_label = lazy_gettext("Campaigns")
    icon = "fa fa-bullhorn"
    action_template = "campaign_action_form.html"
    subject = "campaign"
    detail_template = "campaign_detail.html"
    create_role = Role.SUPERVISOR
    edit_role = Role.SUPERVISOR
    fields = [
        IntegerField("id", label=lazy_gettext("No.")),
        StringField("name", label=lazy_gettext("Campaign"), required=True, maxlength=200),
        HasOne("organization", key="organizations", label=lazy_gettext("Customer"), required=True),
        IntegerField("purchased", label=lazy_gettext("Purchased"), required=True),
        StringField("time_zone", label=lazy_gettext("Time zone"), required=True, maxlength=64),
        StateField(
            "state",
            enum=CampaignState,
            labels=appointments.CAMPAIGN_STATE_LABELS,
            label=lazy_gettext("State"),
        ),
        DateTimeField("created_at", label=lazy_gettext("Created"), read_only=True),
        version_field(),
    ]
    exclude_fields_from_create = ["id", "created_at", "state"]
    # The purchased total grows only through "Renew", which is audited as a renewal.
    exclude_fields_from_edit = ["id", "created_at", "purchased"]
    checks = {"time_zone": appointments.check_time_zone, "purchased": appointments.check_purchased}
    searchable_fields = ["name", "organization"]
    sortable_fields = ["id", "name", "purchased"]
    fields_default_sort = ["name"]
    htmx_row_actions = [
        RowAction("book", lazy_gettext("Book"), "fa fa-calendar-plus", "book", available=_active),
        RowAction(
            "renew",
            lazy_gettext("Renew"),
            "fa fa-rotate-right",
            "renew",
            minimum_role=Role.SUPERVISOR,
        ),
    ]

    async def _context(self, request: Request, pk: int, action: str) -> dict[str, Any]:
        def load(db: Session) -> tuple[Campaign | None, Counters | None]:
            campaign = db.get(Campaign, pk)
            return campaign, appointments.counters(db, campaign) if campaign else None

        campaign, counters = await call(request, load)
        if campaign is None:
            raise Refused(N_("This campaign no longer exists."))
        return {
            "view": self,
            "campaign": campaign,
            "counters": counters,
            "action": action,
            "form_token": secrets.token_urlsafe(16),
        }

    def _params(self, obj: Any) -> dict[str, Any]:
        return {"campaign": obj.name}

    async def book_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "book")

    async def book_submit(self, request: Request, pk: int) -> Response:
        def run(db: Session, who: Any, values: dict[str, str]) -> Appointment:
            booking = Booking(
                agent_id=form_int(values.get("agent")) or 0,
                prospect=values.get("prospect", ""),
                address=values.get("address", ""),
                starts_at=values.get("starts_at", ""),
                notes=values.get("notes", ""),
                form_token=values.get("form_token", "")[:64] or None,  # as long as the issued ones
            )
            return appointments.book(db, who, pk, booking)

        return await self._perform(
            request, pk, "book", run, N_("The appointment is booked in %(campaign)s, to confirm.")
        )

    async def renew_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "renew")

    async def renew_submit(self, request: Request, pk: int) -> Response:
        def run(db: Session, who: Any, values: dict[str, str]) -> Campaign:
            added = values.get("added", "").strip()
            return appointments.renew(
                db,
                who,
                pk,
                form_int(added) or 0,
                expected_version=form_int(values.get("version")),
            )

        return await self._perform(
            request, pk, "renew", run, N_("Campaign %(campaign)s is renewed.")
        )


class AgentView(FormRowActions, SportelloModelView):
    model = Agent
    key = "agents"
    display_name = lazy_gettext("Agent")
    menu_label = lazy_gettext("Agents")
    icon = "fa fa-user-tie"
    action_template = "agent_action_form.html"
    subject = "agent"
    create_role = Role.SUPERVISOR
    edit_role = Role.SUPERVISOR
    fields = [
        IntegerField("id", label=lazy_gettext("No.")),
        StringField("name", label=lazy_gettext("Agent"), required=True, maxlength=200),
        StringField("zone", label=lazy_gettext("Zone"), required=True, maxlength=80),
        HasOne("campaign", key="campaigns", label=lazy_gettext("Campaign"), required=True),
    ]
    exclude_fields_from_create = ["id"]
    # An agent's appointments count for its campaign: it does not move to another one.
    exclude_fields_from_edit = ["id", "campaign"]
    searchable_fields = ["name", "zone", "campaign"]
    sortable_fields = ["id", "name", "zone"]
    fields_default_sort = ["name"]
    htmx_row_actions = [
        RowAction(
            "unavailable",
            lazy_gettext("Declare unavailable"),
            "fa fa-calendar-xmark",
            "unavailable",
        )
    ]

    async def _context(self, request: Request, pk: int, action: str) -> dict[str, Any]:
        def load(db: Session) -> tuple[Agent | None, str]:
            agent = db.get(Agent, pk)
            if agent is None:
                return None, ""
            now = dt.datetime.now(dt.UTC)
            return agent, appointments.earliest_unavailable_day(agent.campaign, now).isoformat()

        agent, earliest = await call(request, load)
        if agent is None:
            raise Refused(N_("This agent no longer exists."))
        return {"view": self, "agent": agent, "action": action, "earliest": earliest}

    def _params(self, obj: Any) -> dict[str, Any]:
        return {"agent": obj.name}

    async def unavailable_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "unavailable")

    async def unavailable_submit(self, request: Request, pk: int) -> Response:
        def run(db: Session, who: Any, values: dict[str, str]) -> Unavailability:
            return appointments.declare_unavailability(
                db, who, pk, values.get("day", ""), values.get("reason", "")
            )

        return await self._perform(
            request, pk, "unavailable", run, N_("%(agent)s's unavailability is recorded.")
        )


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


class UnavailabilityView(SportelloModelView):
    model = Unavailability
    key = "unavailabilities"
    display_name = lazy_gettext("Unavailability")
    menu_label = lazy_gettext("Unavailabilities")
    icon = "fa fa-calendar-xmark"
    create_role = None  # declared through "Declare unavailable" on the agent
    edit_role = None
    fields = [
        IntegerField("id", label=lazy_gettext("No.")),
        HasOne("agent", key="agents", label=lazy_gettext("Agent")),
        DateField("day", label=lazy_gettext("Day")),
        StringField("reason", label=lazy_gettext("Reason")),
        DateTimeField("declared_at", label=lazy_gettext("Declared")),
        StringField("declared_by", label=lazy_gettext("Declared by")),
    ]
    searchable_fields = ["agent", "reason"]
    sortable_fields = ["id", "day", "declared_at"]
    fields_default_sort = [("day", True)]


# --- the campaign page's live parts ----------------------------------------------------------


def _campaign_id(request: Request) -> int | None:
    return form_int(request.path_params["pk"])


async def boxes(request: Request) -> Response:
    """The campaign's boxes, asked again by the page after each change of one of its rows."""
    if not has_role(request, Role.OPERATOR):
        return forbidden(request)

    def load(db: Session) -> tuple[Campaign | None, Counters | None]:
        pk = _campaign_id(request)
        campaign = db.get(Campaign, pk) if pk is not None else None
        return campaign, appointments.counters(db, campaign) if campaign else None

    campaign, counters = await call(request, load)
    if campaign is None:
        return render(request, "_outcome.html", status_code=404, ok=False, message="")
    return render(
        request, "_campaign_boxes.html", campaign=campaign, counters=counters, as_page=False
    )


SHOWN_ON_CAMPAIGN_PAGE = 200


async def campaign_appointments(request: Request) -> Response:
    """The campaign's latest appointments, as rows of the appointment list (same row
    actions)."""
    if not has_role(request, Role.OPERATOR):
        return forbidden(request)
    view = next(v for v in request.app.state.views if isinstance(v, AppointmentView))
    pk = _campaign_id(request)
    if pk is None:
        return render(request, "_outcome.html", status_code=404, ok=False, message="")

    def load(db: Session) -> tuple[list[Appointment], int]:
        latest = db.scalars(
            select(Appointment)
            .where(Appointment.campaign_id == pk)
            .order_by(Appointment.starts_at.desc())
            .limit(SHOWN_ON_CAMPAIGN_PAGE)
        )
        total = db.scalar(select(func.count()).where(Appointment.campaign_id == pk)) or 0
        return list(latest), total

    found, total = await call(request, load)
    rows = [await list_row(request, view, a) for a in found]
    return render(
        request,
        "_campaign_appointments.html",
        view=view,
        fields=view.get_fields_list(request),
        rows=rows,
        total=total,
        campaign_id=pk,
        as_page=False,
    )


# --- reports ---------------------------------------------------------------------------------


GROUP_COLUMNS = {"agent": N_("Agent"), "zone": N_("Zone")}


def report_link() -> Link:
    return operator_link(
        lazy_gettext("Appointment reports"), "fa fa-chart-column", "/admin/appointments/report"
    )


def _report_query(request: Request) -> dict[str, Any]:
    """The report asked for: grouping, campaign and period; what cannot be read is refused
    with the reason, the rest kept."""
    params = request.query_params
    by = params.get("by", "campaign")
    values = {
        "by": by if by in appointments.GROUPINGS else "campaign",
        "campaign": params.get("campaign", ""),
        "start": params.get("start", ""),
        "end": params.get("end", ""),
    }
    return values


def _run_report(db: Session, values: dict[str, Any]) -> tuple[list[Any], list[Campaign]]:
    start = appointments.parse_day(values["start"], "start") if values["start"] else None
    end = appointments.parse_day(values["end"], "end") if values["end"] else None
    if start and end and end < start:
        raise Refused(N_("The period ends before it starts."), field="end")
    rows = appointments.report(
        db,
        values["by"],
        campaign_id=form_int(values["campaign"]),
        start=start,
        end=end,
    )
    campaigns = list(db.scalars(select(Campaign).order_by(Campaign.name)))
    return rows, campaigns


async def report_page(request: Request) -> Response:
    if not has_role(request, Role.OPERATOR):
        return forbidden(request)
    values = _report_query(request)
    error = error_field = None
    try:
        rows, campaigns = await call(request, _run_report, values)
    except Refused as refusal:  # the period as typed, the reason, and no figures
        error, error_field = refusal.translated(), refusal.field
        campaigns = await call(
            request, lambda db: list(db.scalars(select(Campaign).order_by(Campaign.name)))
        )
        rows = []
    return render(
        request,
        "appointment_report.html",
        values=values,
        rows=rows,
        campaigns=campaigns,
        columns=appointments.COLUMNS,
        groupings=appointments.GROUPINGS,
        error=error,
        error_field=error_field,
        as_page=True,
    )


async def report_csv(request: Request) -> Response:
    if not has_role(request, Role.OPERATOR):
        return forbidden(request)
    values = _report_query(request)
    try:
        rows, _campaigns = await call(request, _run_report, values)
    except Refused as refusal:
        return Response(refusal.translated(), status_code=400, media_type="text/plain")
    out = io.StringIO()
    writer = csv.writer(out)
    column = GROUP_COLUMNS.get(values["by"])
    grouped = [] if column is None else [_(column)]
    writer.writerow([_("Campaign"), *grouped, *map(_, appointments.COLUMNS.values())])
    for row in rows:
        counts = row.counters.row()
        label = [] if values["by"] == "campaign" else [row.label]
        writer.writerow(
            [
                *map(safe_text, [row.campaign, *label]),
                *("" if counts[c] is None else counts[c] for c in counts),
            ]
        )
    name = f"appointments-per-{values['by']}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def routes() -> list[Route]:
    return [
        Route("/campaigns/{pk}/boxes", boxes, methods=["GET"], name="campaign-boxes"),
        Route(
            "/campaigns/{pk}/appointments",
            campaign_appointments,
            methods=["GET"],
            name="campaign-appointments",
        ),
        Route("/appointments/report", report_page, methods=["GET"], name="appointment-report"),
        Route(
            "/appointments/report.csv", report_csv, methods=["GET"], name="appointment-report-csv"
        ),
    ]
