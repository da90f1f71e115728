"""A record's History panel, loaded when opened: its audit events, newest first, as changes.

`/admin/history/<entity_type>/<entity_id>` answers whoever may open the record's page.
Operators read who did what and the change; supervisors and administrators also read the
address and browser of each event, and open its event page.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from actions.record_history import history_of
from admin.auth import has_role
from admin.i18n import NC_, _
from models import AuditEvent, Outcome, Role
from views.form_checks import parse_pk
from views.fragments import call, forbidden, form_int, render
from views.records import record_url, view_for

# Records whose page shows no history: the trail's own events are not audited rows.
WITHOUT_HISTORY = frozenset({"audit_event"})
OUTCOMES = {
    Outcome.SUCCESS: NC_("audit outcome", "success"),
    Outcome.REFUSED: NC_("audit outcome", "refused"),
    Outcome.ERROR: NC_("audit outcome", "error"),
}


async def panel(request: Request) -> Response:
    entity_type = request.path_params["kind"]
    view = view_for(request, entity_type)
    if view is None or entity_type in WITHOUT_HISTORY:
        return _refusal(request, 404, _("The console keeps no history for this kind of record."))
    if not view.is_accessible(request):
        return forbidden(request)
    pk = parse_pk(view.model, request.path_params["pk"])
    if pk is None:
        return _refusal(request, 404, _("There is no such record: check its number."))
    before_text = request.query_params.get("before")
    before = form_int(before_text)
    if before_text is not None and before is None:
        return _refusal(request, 400, _("Older events are asked for by an event number."))
    page = await call(request, history_of, entity_type, str(pk), before)
    return render(
        request,
        "history_events.html",
        history=page,
        everything=has_role(request, Role.SUPERVISOR),
        outcomes=OUTCOMES,
        event_pages=_event_pages(request, page.events),
    )


def _event_pages(request: Request, events: Sequence[AuditEvent]) -> dict[int, str]:
    """Each event's page, for those who may open the trail (supervisors and admins)."""
    pages = {event.id: record_url(request, "audit_event", event.id) for event in events}
    return {pk: url for pk, url in pages.items() if url}


def _refusal(request: Request, status: int, message: str) -> Response:
    return render(request, "_outcome.html", status_code=status, ok=False, message=message)


def routes() -> list[Route]:
    # Path parameters named as every other route's record (kind, pk): the URL reads
    # /admin/history/<entity_type>/<entity_id>.
    return [Route("/history/{kind}/{pk}", panel, methods=["GET"], name="history")]
