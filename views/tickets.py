"""Tickets (seed 002): the lists (all, mine, unassigned, overdue; by company with the
filter), a ticket's page with its timeline, and the row actions assign, reply or note,
change state and close; "Open a ticket" is a page of its own (views/ticket_open.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from starlette.requests import Request
from starlette.responses import Response
from starlette_admin import (
    DateTimeField,
    EmailField,
    IntegerField,
    StringField,
    TextAreaField,
)

from actions import tickets
from actions.errors import Refused
from admin.auth import actor
from admin.i18n import N_, lazy_gettext
from models import Operator, Organization, Ticket, TicketPriority, TicketSource, TicketState, utcnow
from views.base import SportelloModelView, StateField
from views.filters import relation_in
from views.fragments import FormRowActions, RowAction, call, form_int
from views.rendering import LinkedHasOne

PRIORITY_LABELS = {
    "low": N_("low"),
    "normal": N_("normal"),
    "high": N_("high"),
    "urgent": N_("urgent"),
}
SOURCE_LABELS = {
    "search": N_("after a knowledge-base search"),
    "access_request": N_("access request"),
    "company_not_present": N_("company not present"),
    "operator": N_("opened by the desk"),
}


def _open_ticket(row: dict[str, Any]) -> bool:
    return row.get("state") != TicketState.CLOSED.value


def _resolved(row: dict[str, Any]) -> bool:
    return row.get("state") == TicketState.RESOLVED.value


class TicketView(FormRowActions, SportelloModelView):
    model = Ticket
    action_template = "ticket_action_form.html"
    subject = "ticket"
    key = "tickets"
    display_name = lazy_gettext("Ticket")
    menu_label = lazy_gettext("Tickets")
    icon = "fa fa-ticket"
    create_role = None  # opened through "Open a ticket", which applies the portal's rule
    edit_role = None  # changed only through its row actions
    detail_template = "ticket_detail.html"
    fields = [
        IntegerField("id", label=lazy_gettext("No."), exclude_from_list=True),
        StringField("number", label=lazy_gettext("Ticket")),
        StringField("subject", label=lazy_gettext("Subject")),
        StateField(
            "state", enum=TicketState, labels=tickets.STATE_LABELS, label=lazy_gettext("State")
        ),
        StateField(
            "priority", enum=TicketPriority, labels=PRIORITY_LABELS, label=lazy_gettext("Priority")
        ),
        LinkedHasOne(
            "organization",
            key="organizations",
            label=lazy_gettext("Company"),
            filters=[relation_in(Ticket.organization_id, Organization)],
        ),
        StringField("company_name", label=lazy_gettext("Company (not registered)")),
        StringField("requester_name", label=lazy_gettext("Requester")),
        EmailField("requester_email", label=lazy_gettext("Requester's e-mail")),
        StringField("product_line", label=lazy_gettext("Product line")),
        StringField("product", label=lazy_gettext("Product")),
        LinkedHasOne("assignee", key="operators", label=lazy_gettext("Assigned to")),
        StateField("source", enum=TicketSource, labels=SOURCE_LABELS, label=lazy_gettext("Source")),
        TextAreaField("description", label=lazy_gettext("Description"), exclude_from_list=True),
        StringField("search_query", label=lazy_gettext("Search before opening")),
        DateTimeField("created_at", label=lazy_gettext("Opened")),
        DateTimeField("first_response_due_at", label=lazy_gettext("First response due")),
        DateTimeField("resolution_due_at", label=lazy_gettext("Resolution due")),
    ]
    exclude_fields_from_list = [
        "id",
        "company_name",
        "requester_email",
        "product_line",
        "source",
        "description",
        "search_query",
        "first_response_due_at",
    ]
    searchable_fields = [
        "number",
        "subject",
        "requester_name",
        "requester_email",
        "product",
        "state",
        "priority",
        "organization",
    ]
    sortable_fields = ["number", "state", "priority", "created_at", "resolution_due_at"]
    fields_default_sort = [("id", True)]
    htmx_row_actions = [
        RowAction(
            "assign", lazy_gettext("Assign"), "fa fa-user-tag", "assign", available=_open_ticket
        ),
        RowAction(
            "reply", lazy_gettext("Reply or note"), "fa fa-reply", "reply", available=_open_ticket
        ),
        RowAction(
            "change_state",
            lazy_gettext("Change state"),
            "fa fa-arrow-right",
            "change-state",
            available=_open_ticket,
        ),
        RowAction("close", lazy_gettext("Close"), "fa fa-lock", "close", available=_resolved),
    ]
    state_labels = tickets.STATE_LABELS

    def list_filter(self, request: Request) -> Any:
        """What a subclass keeps of the tickets (None: all of them)."""
        return None

    def get_list_query(self, request: Request) -> Select[Any]:
        query = super().get_list_query(request)
        kept = self.list_filter(request)
        return query if kept is None else query.where(kept)

    def get_count_query(self, request: Request) -> Select[Any]:
        kept = self.list_filter(request)
        query = select(func.count(Ticket.id))
        return query if kept is None else query.where(kept)

    async def _ticket(self, request: Request, pk: int) -> Ticket:
        ticket: Ticket | None = await call(request, lambda db, i: db.get(Ticket, i), pk)
        if ticket is None:
            raise Refused(N_("This ticket no longer exists."))
        return ticket

    async def _context(self, request: Request, pk: int, action: str) -> dict[str, Any]:
        ticket = await self._ticket(request, pk)
        operators = await call(
            request,
            lambda db: list(
                db.scalars(select(Operator).where(Operator.active).order_by(Operator.display_name))
            ),
        )
        return {
            "view": self,
            "ticket": ticket,
            "action": action,
            "operators": operators,
            "me": actor(request).operator_id,
            "next_states": tickets.TRANSITIONS[ticket.state],
        }

    def _params(self, obj: Any) -> dict[str, Any]:
        return {"number": obj.number}

    async def assign_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "assign")

    async def assign_submit(self, request: Request, pk: int) -> Response:
        def run(db: Any, who: Any, values: dict[str, str]) -> Ticket:
            assignee = form_int(values.get("assignee")) or who.operator_id or 0
            return tickets.assign(
                db, who, pk, assignee, expected_version=form_int(values.get("version"))
            )

        return await self._perform(request, pk, "assign", run, N_("Ticket %(number)s is assigned."))

    async def reply_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "reply")

    async def reply_submit(self, request: Request, pk: int) -> Response:
        def run(db: Any, who: Any, values: dict[str, str]) -> Any:
            public = values.get("visibility", "public") == "public"
            return tickets.reply(db, who, pk, values.get("body", ""), public=public)

        return await self._perform(
            request, pk, "reply", run, N_("Ticket %(number)s: your comment is added.")
        )

    async def change_state_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "change_state")

    async def change_state_submit(self, request: Request, pk: int) -> Response:
        def run(db: Any, who: Any, values: dict[str, str]) -> Ticket:
            try:
                to = TicketState(values.get("state", ""))
            except ValueError:
                raise Refused(N_("Choose the new state."), field="state") from None
            return tickets.change_state(
                db, who, pk, to, expected_version=form_int(values.get("version"))
            )

        return await self._perform(
            request, pk, "change_state", run, N_("Ticket %(number)s has its new state.")
        )

    async def close_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "close")

    async def close_submit(self, request: Request, pk: int) -> Response:
        def run(db: Any, who: Any, values: dict[str, str]) -> Ticket:
            return tickets.change_state(
                db, who, pk, TicketState.CLOSED, expected_version=form_int(values.get("version"))
            )

        return await self._perform(request, pk, "close", run, N_("Ticket %(number)s is closed."))


class MyTicketsView(TicketView):
    key = "tickets_mine"
    menu_label = lazy_gettext("My tickets")
    icon = "fa fa-user-check"

    def list_filter(self, request: Request) -> Any:
        return Ticket.assignee_id == actor(request).operator_id


class UnassignedTicketsView(TicketView):
    key = "tickets_unassigned"
    menu_label = lazy_gettext("Unassigned tickets")
    icon = "fa fa-inbox"

    def list_filter(self, request: Request) -> Any:
        return Ticket.assignee_id.is_(None) & (Ticket.state != TicketState.CLOSED)


class OverdueTicketsView(TicketView):
    key = "tickets_overdue"
    menu_label = lazy_gettext("Overdue tickets")
    icon = "fa fa-clock"

    def list_filter(self, request: Request) -> Any:
        return tickets.overdue_clause(utcnow())
