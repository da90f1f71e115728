"""Open a ticket (menu "Open a ticket", and the button after a knowledge-base search): the
search's query and articles go with it; without a search the desk opens it as its own.

After a search the form opens in the search page itself (htmx), its subject and product taken
from the search; the opened ticket's page is then the one page loaded."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette_admin.flash import flash
from starlette_admin.views import Link

from actions import knowledge, tickets
from actions.errors import Refused
from admin.auth import actor, has_role
from admin.i18n import _, current_locale, lazy_gettext
from models import Organization, Role, TicketPriority, TicketSource
from models.knowledge import SearchLog
from views.fragments import call, forbidden, form_int, is_htmx, operator_link, render
from views.tickets import PRIORITY_LABELS

FIELDS = (
    "subject",
    "description",
    "requester_name",
    "requester_email",
    "organization_id",
    "product_line",
    "product",
    "priority",
    "search",
)


def menu_link() -> Link:
    return operator_link(lazy_gettext("Open a ticket"), "fa fa-plus", "/admin/tickets/open")


def _search(db: Session, search_id: int | None) -> SearchLog | None:
    return db.get(SearchLog, search_id) if search_id is not None else None


def _companies(db: Session) -> list[Any]:
    return list(
        db.execute(
            select(Organization.id, Organization.name)
            .where(Organization.vat_number.is_not(None))
            .order_by(Organization.name)
        )
    )


async def _form(request: Request, values: dict[str, str], **context: Any) -> Response:
    log = await call(request, _search, form_int(values.get("search", "")))
    return render(
        request,
        "ticket_open.html",
        values=values,
        companies=await call(request, _companies),
        priorities=PRIORITY_LABELS,
        search_query=log.query if log else None,
        **context,
    )


def _from_search(db: Session, values: dict[str, str]) -> dict[str, str]:
    """What the form starts with: the search's words as the subject, its product and that
    product's line, unless the address says otherwise."""
    log = _search(db, form_int(values["search"]))
    if log is None:
        return values
    product = values["product"] or log.product or ""
    lines = [line for line, name in knowledge.products(db) if name == product]
    return {
        **values,
        "subject": values["subject"] or log.query,
        "product": product,
        "product_line": values["product_line"] or (lines[0] if lines else ""),
    }


async def page(request: Request) -> Response:
    if not has_role(request, Role.OPERATOR):
        return forbidden(request)
    if request.method == "GET":
        values = {"priority": "normal", "search": request.query_params.get("search", "")}
        for name in ("subject", "product_line", "product"):
            values[name] = request.query_params.get(name, "")
        return await _form(request, await call(request, _from_search, values))
    form = await request.form()
    values = {name: str(form.get(name, "")).strip() for name in FIELDS}
    try:
        priority = TicketPriority(values["priority"])
    except ValueError:
        priority = TicketPriority.NORMAL
    from_search = bool(values["search"])
    try:
        ticket = await call(
            request,
            tickets.open_ticket,
            actor(request),
            tickets.Opening(
                subject=values["subject"],
                description=values["description"],
                requester_name=values["requester_name"],
                requester_email=values["requester_email"],
                source=TicketSource.SEARCH if from_search else TicketSource.OPERATOR,
                organization_id=form_int(values["organization_id"]),
                product_line=values["product_line"],
                product=values["product"],
                priority=priority,
                language=current_locale(),
                search_log_id=form_int(values["search"]),
            ),
        )
    except Refused as refusal:
        return await _form(request, values, error=refusal.translated(), error_field=refusal.field)
    flash(
        request,
        _("Ticket %(number)s is open; its acknowledgement is mailed to %(email)s.")
        % {"number": ticket.number, "email": ticket.requester_email},
        "success",
    )
    url = request.url_for("admin:detail", key="tickets").include_query_params(pk=ticket.id)
    if is_htmx(request):  # the form in the search page: the ticket's page replaces it
        return Response(status_code=200, headers={"HX-Redirect": str(url)})
    return RedirectResponse(url, status_code=303)


def routes() -> list[Route]:
    return [Route("/tickets/open", page, methods=["GET", "POST"], name="ticket-open")]
