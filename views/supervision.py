"""What deserves a supervisor's look: the dashboard and the review queue of risky actions."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette_admin.flash import flash
from starlette_admin.views import Link

from actions import audit_review, supervision
from actions.audit_review import Show
from actions.errors import Refused
from admin.auth import actor, has_role
from admin.i18n import N_, _, lazy_gettext
from models import Role
from views.fragments import call, forbidden, form_int, is_htmx, render
from views.records import record_url

SHOWN = {
    Show.UNREVIEWED: N_("To review"),
    Show.REVIEWED: N_("Reviewed"),
    Show.WRONG: N_("Something was wrong"),
}


VERDICTS = ("fine", "wrong")
CHOOSE_VERDICT = N_("Choose Fine or Something was wrong.")


class SupervisorLink(Link):
    """A menu entry to a page for supervisors and administrators."""

    def is_accessible(self, request: Request) -> bool:
        return has_role(request, Role.SUPERVISOR)


def dashboard_link() -> Link:
    return SupervisorLink(
        menu_label=lazy_gettext("Dashboard"), icon="fa fa-chart-line", url="/admin/supervision"
    )


def review_link() -> Link:
    return SupervisorLink(
        menu_label=lazy_gettext("Review queue"), icon="fa fa-list-check", url="/admin/review"
    )


async def dashboard(request: Request) -> Response:
    if not has_role(request, Role.SUPERVISOR):
        return forbidden(request)
    figures = await call(request, supervision.dashboard)
    return render(
        request,
        "supervision.html",
        figures=figures,
        working_hours=supervision.WORKING_HOURS,
        time_zone=str(supervision.TIME_ZONE),
        count_cap=audit_review.COUNT_CAP,
        as_page=True,
    )


def _show(request: Request) -> Show:
    try:
        return Show(request.query_params.get("show", Show.UNREVIEWED))
    except ValueError:
        return Show.UNREVIEWED


def _item_context(request: Request, item: audit_review.Item) -> dict[str, Any]:
    event = item.event
    return {
        "item": item,
        "record": record_url(request, event.entity_type, event.entity_id),
        "event_url": str(
            request.url_for("admin:detail", key="audit").include_query_params(pk=event.id)
        ),
        "mine": event.operator_username == actor(request).username,
    }


async def review_page(request: Request) -> Response:
    if not has_role(request, Role.SUPERVISOR):
        return forbidden(request)
    show = _show(request)
    found = await call(
        request, audit_review.queue, show, form_int(request.query_params.get("before"))
    )
    return render(
        request,
        "review_queue.html",
        queue=found,
        items=[_item_context(request, item) for item in found.items],
        shown=SHOWN,
        as_page=True,
    )


async def review_submit(request: Request) -> Response:
    if not has_role(request, Role.SUPERVISOR):
        return forbidden(request)
    event_id = form_int(request.path_params.get("pk"))
    async with request.form() as form:  # a file sent in a field's place is closed at once
        values = {name: _text(form.get(name)) for name in ("verdict", "comment")}
    if event_id is None:
        return _missing(request)
    if values["verdict"] not in VERDICTS:
        return await _refused(request, event_id, Refused(CHOOSE_VERDICT), values)
    try:
        await call(
            request,
            audit_review.review_event,
            actor(request),
            event_id,
            values["verdict"] == "wrong",
            values["comment"],
        )
    except Refused as refusal:
        return await _refused(request, event_id, refusal, values)
    if not is_htmx(request):
        flash(request, _("Reviewed: it is no longer in the queue."), "success")
        return RedirectResponse(request.url_for("admin:review"), status_code=303)
    return await _item(request, event_id, values={})


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


async def _item(request: Request, event_id: int, **context: Any) -> Response:
    found = await call(request, audit_review.item, event_id)
    if found is None:
        return _missing(request)
    return render(request, "_review_item.html", **_item_context(request, found), **context)


async def _refused(
    request: Request, event_id: int, refusal: Refused, values: dict[str, str]
) -> Response:
    """The item again, with the reason and what was typed."""
    found = await call(request, audit_review.item, event_id)
    if found is None and refusal.msgid == audit_review.NO_SUCH_EVENT:
        return _missing(request)
    if found is None:  # an event outside the queue: the refusal is in the trail
        return render(request, "_outcome.html", ok=False, message=refusal.translated())
    if found.review is not None:  # a colleague's review stands: this one was not saved
        return _reviewed_already(request, found, refusal.translated())
    return render(
        request,
        "_review_item.html",
        **_item_context(request, found),
        values=values,
        error=refusal.translated(),
        error_field=refusal.field,
    )


def _reviewed_already(request: Request, found: audit_review.Item, message: str) -> Response:
    """The reason above the review that stands (a plain form: the reason's page), so that
    the verdict and comment just sent are not taken as saved."""
    notice = render(request, "_outcome.html", ok=False, message=message)
    if not is_htmx(request):
        return notice
    item = render(request, "_review_item.html", **_item_context(request, found), values={})
    return HTMLResponse(bytes(notice.body) + bytes(item.body))


def _missing(request: Request) -> Response:
    message = _("This action is not in the review queue: only risky actions are reviewed.")
    return render(request, "_outcome.html", status_code=404, ok=False, message=message)


def routes() -> list[Route]:
    return [
        Route("/supervision", dashboard, methods=["GET"], name="supervision"),
        Route("/review", review_page, methods=["GET"], name="review"),
        Route("/review/{pk}", review_submit, methods=["POST"], name="review-event"),
    ]
