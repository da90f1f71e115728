"""Appointment campaigns (seed 003): a customer's purchased appointments, booked, renewed,
and shown on the campaign's page with its boxes, booking form, appointments and report."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, object_session
from starlette.requests import Request
from starlette.responses import Response
from starlette_admin import DateTimeField, HasOne, IntegerField, StringField

from actions import appointments
from actions.appointments import Booking, Counters
from actions.errors import Refused
from admin.i18n import N_, lazy_gettext
from models import Appointment, Campaign, CampaignState, Role
from views.appointments import campaign_page
from views.base import SportelloModelView, StateField, version_field
from views.fragments import FormRowActions, RowAction, call, form_int


def _active(row: dict[str, Any]) -> bool:
    return row.get("state") == CampaignState.ACTIVE.value


def campaign_counters(campaign: Campaign) -> Counters:
    """The boxes of a campaign shown on its page (a template global)."""
    session = object_session(campaign)
    assert session is not None, "a campaign shown on its page belongs to the request's session"
    return appointments.counters(session, campaign)


def _booking_of(pk: int) -> Callable[[Session, Any, dict[str, str]], Appointment]:
    """Book in campaign `pk` what the form says."""

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

    return run


class CampaignView(FormRowActions, SportelloModelView):
    model = Campaign
    key = "campaigns"
    display_name = lazy_gettext("Campaign")
    menu_label = lazy_gettext("Campaigns")
    icon = "fa fa-bullhorn"
    action_template = "campaign_action_form.html"
    subject = "campaign"
    detail_template = "appointment_campaign.html"
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
        if request.query_params.get("place") == campaign_page.IN_PAGE:
            return await campaign_page.booking_form(request, self, pk)
        return await self._form(request, pk, "book")

    async def book_submit(self, request: Request, pk: int) -> Response:
        if campaign_page.booked_in_page(request):
            return await campaign_page.book(request, self, pk, _booking_of(pk))
        return await self._perform(request, pk, "book", _booking_of(pk), campaign_page.BOOKED)

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
