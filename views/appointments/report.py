"""Appointment reports (seed 003): totals per campaign, agent or zone over a period, as a page
with its chart, and as CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette_admin.views import Link

from actions import appointments
from actions.errors import Refused
from actions.spreadsheet import safe_text
from admin.auth import has_role
from admin.i18n import N_, _, lazy_gettext
from models import Campaign, Role
from views.fragments import call, forbidden, form_int, operator_link, render

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
        Route("/appointments/report", report_page, methods=["GET"], name="appointment-report"),
        Route(
            "/appointments/report.csv", report_csv, methods=["GET"], name="appointment-report-csv"
        ),
    ]
