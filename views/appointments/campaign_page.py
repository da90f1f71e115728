"""The live parts of a campaign's page (seed 003): its boxes, the booking form, its latest
appointments and its report per agent or zone. Each is a fragment the page asks for; booking,
cancelling or confirming there raises `sportello-changed`, on which the boxes and the report
ask again, so the page follows every change without being loaded again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from actions import appointments
from actions.appointments import Counters, Grouping
from actions.errors import Refused
from admin.auth import actor, has_role
from admin.i18n import N_, _
from models import Appointment, Campaign, Role
from views.appointments.appointment import AppointmentView
from views.fragments import (
    call,
    forbidden,
    form_int,
    is_htmx,
    list_row,
    named_event,
    refusal_text,
    refused,
    render,
)

SHOWN_ON_CAMPAIGN_PAGE = 200
IN_PAGE = "page"  # `place` of the booking form of the campaign's page
REPORTED = ("taken", "confirmed", "to_confirm", "cancelled", "done")  # per agent or zone
BOOKED = N_("The appointment is booked in %(campaign)s, to confirm.")


class BookingView(Protocol):
    """What the booking forms need of the campaigns' view."""

    action_template: str

    async def _context(self, request: Request, pk: int, action: str) -> dict[str, Any]: ...


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


def _latest(db: Session, pk: int) -> tuple[list[Appointment], int]:
    latest = db.scalars(
        select(Appointment)
        .where(Appointment.campaign_id == pk)
        .order_by(Appointment.starts_at.desc())
        .limit(SHOWN_ON_CAMPAIGN_PAGE)
    )
    total = db.scalar(select(func.count()).where(Appointment.campaign_id == pk)) or 0
    return list(latest), total


async def _appointments_html(request: Request, pk: int) -> str:
    view = next(v for v in request.app.state.views if isinstance(v, AppointmentView))
    found, total = await call(request, _latest, pk)
    rows = [await list_row(request, view, a) for a in found]
    fragment = render(
        request,
        "_campaign_appointments.html",
        view=view,
        fields=view.get_fields_list(request),
        rows=rows,
        total=total,
        campaign_id=pk,
        as_page=False,
    )
    return bytes(fragment.body).decode()


async def campaign_appointments(request: Request) -> Response:
    """The campaign's latest appointments, as rows of the appointment list (same row
    actions)."""
    if not has_role(request, Role.OPERATOR):
        return forbidden(request)
    pk = _campaign_id(request)
    if pk is None:
        return render(request, "_outcome.html", status_code=404, ok=False, message="")
    return Response(await _appointments_html(request, pk), media_type="text/html")


async def report(request: Request) -> Response:
    """The campaign's totals per agent or per zone, asked again after each change."""
    if not has_role(request, Role.OPERATOR):
        return forbidden(request)
    pk = _campaign_id(request)
    by: Grouping = "zone" if request.query_params.get("by") == "zone" else "agent"
    rows = await call(request, appointments.report, by, campaign_id=pk) if pk else []
    return render(
        request,
        "_campaign_report.html",
        campaign_id=pk,
        by=by,
        rows=rows,
        columns={key: appointments.COLUMNS[key] for key in REPORTED},
        groupings={key: appointments.GROUPINGS[key] for key in ("agent", "zone")},
    )


# --- booking from the page -----------------------------------------------------------------


def booked_in_page(request: Request) -> bool:
    """Booked on the campaign's page, from its own form or from the Book row action's panel
    (a form sent without JavaScript goes back to the list)."""
    return is_htmx(request) and "/campaigns/detail" in request.headers.get("hx-current-url", "")


def _from_page_form(request: Request) -> bool:
    return request.query_params.get("place") == IN_PAGE


async def booking_form(request: Request, view: BookingView, pk: int, **context: Any) -> Response:
    """The campaign page's booking form: empty, or again with what was typed and the reason."""
    context.setdefault("values", {})
    return render(
        request, "_campaign_book.html", **(await view._context(request, pk, "book")), **context
    )


async def book(
    request: Request, view: BookingView, pk: int, run: Callable[..., Appointment]
) -> Response:
    """Book on the campaign's page: the outcome (under the page's form, emptied, or in the
    panel) comes with the boxes and the appointments as they are now, in the same answer;
    the report asks again on `sportello-changed`."""
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrftoken"}
    try:
        await call(request, run, actor(request), values)
    except Refused as refusal:
        if _from_page_form(request):
            return await booking_form(
                request,
                view,
                pk,
                values=values,
                error=refusal_text(request, refusal),
                error_field=refusal.field,
            )
        context = await view._context(request, pk, "book")
        return refused(request, refusal, view.action_template, values=values, **context)
    context = await view._context(request, pk, "book")
    response = render(
        request,
        "_campaign_booked.html",
        in_page_form=_from_page_form(request),
        values={"agent": values.get("agent", "")},  # the next booking is often the same agent's
        message=_(BOOKED) % {"campaign": context["campaign"].name},
        recorded=named_event(request),
        appointments_html=await _appointments_html(request, pk),
        **context,
    )
    if not _from_page_form(request):
        response.headers.update({"HX-Retarget": "#action-panel", "HX-Reswap": "innerHTML"})
    response.headers["HX-Trigger"] = "sportello-changed"
    return response


def routes() -> list[Route]:
    return [
        Route("/campaigns/{pk}/boxes", boxes, methods=["GET"], name="campaign-boxes"),
        Route(
            "/campaigns/{pk}/appointments",
            campaign_appointments,
            methods=["GET"],
            name="campaign-appointments",
        ),
        Route("/campaigns/{pk}/report", report, methods=["GET"], name="campaign-report"),
    ]
