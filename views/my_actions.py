"""An operator's own trail: what I did today (or these 7 days), with outcomes, so that a
desk can answer "did I already send that link?" without asking a supervisor.

`/admin/mine?window=today|7d&action=<action>&before=<seq>`: every signed-in operator, any
role, sees their own events only; never addresses or browsers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette_admin.views import Link

from actions.my_actions import MyActions, Window, my_actions
from admin.auth import actor, has_role
from admin.i18n import N_, NC_, _, lazy_gettext
from models import AuditEvent, Outcome, Role
from views.fragments import call, forbidden, form_int, operator_link, render
from views.records import record_url, view_for

MAX_ACTION = 80  # the longest action name the trail holds
OUTCOME_WORDS = {
    Outcome.SUCCESS: NC_("audit outcome", "success"),
    Outcome.REFUSED: NC_("audit outcome", "refused"),
    Outcome.ERROR: NC_("audit outcome", "error"),
}
# A row changed outside any action (a record's form) is named by what happened to it.
CHANGE_WORDS = {"create": N_("added"), "edit": N_("changed"), "delete": N_("deleted")}
# Events that name no record's row action.
OTHER_WORDS = {
    "operator.login": N_("Signed in"),
    "operator.logout": N_("Signed out"),
    "operator.login_failed": N_("Sign-in refused"),
    "enrollment.create": N_("Enrol a trainee"),
    "outbox.resend": N_("Resend"),
}


def menu_link() -> Link:
    return operator_link(
        lazy_gettext("My recent actions"), "fa fa-clock-rotate-left", "/admin/mine"
    )


@dataclass(frozen=True)
class MyRow:
    """An event as the operator reads it: the action in words, the record and its page."""

    event: AuditEvent
    words: str
    record: str | None
    record_url: str | None
    outcome: str


@dataclass(frozen=True)
class Filters:
    window: Window
    action: str | None
    before: int | None


def parse(params: Any) -> Filters | str:
    """The filters from the address, or what is wrong with them."""
    window = params.get("window") or Window.TODAY.value
    if window not in {w.value for w in Window}:
        return _("The period must be today or the last 7 days.")
    action = (params.get("action") or "").strip() or None
    if action is not None and len(action) > MAX_ACTION:
        return _("No action has such a long name.")
    before = params.get("before")
    if before not in (None, "") and form_int(before) is None:
        return _("The page to show is not a valid number.")
    return Filters(Window(window), action, form_int(before))


def action_words(request: Request, action: str) -> str:
    """An action as the console's buttons name it, where one does; else its trail name."""
    table, _dot, verb = action.partition(".")
    view = view_for(request, table)
    row_action = view.row_action(verb) if view is not None else None
    if row_action is not None:
        return str(row_action.label)
    if action in OTHER_WORDS:
        return _(OTHER_WORDS[action])
    if view is not None and verb in CHANGE_WORDS:
        return f"{view.display_name}: {_(CHANGE_WORDS[verb])}"
    return action


def _record(request: Request, event: AuditEvent) -> tuple[str | None, str | None]:
    if not event.entity_type:
        return None, None
    view = view_for(request, event.entity_type)
    kind = str(view.display_name) if view is not None else event.entity_type
    label = f"{kind} {event.entity_id}" if event.entity_id else kind
    return label, record_url(request, event.entity_type, event.entity_id)


def row_of(request: Request, event: AuditEvent) -> MyRow:
    label, url = _record(request, event)
    words = action_words(request, event.action)
    return MyRow(event, words, label, url, _(OUTCOME_WORDS[Outcome(event.outcome)]))


async def page(request: Request) -> Response:
    if not has_role(request, Role.OPERATOR):
        return forbidden(request)
    filters = parse(request.query_params)
    if isinstance(filters, str):
        return render(request, "_outcome.html", status_code=400, ok=False, message=filters)
    found: MyActions = await call(
        request,
        my_actions,
        actor(request).username,
        filters.window,
        action=filters.action,
        before=filters.before,
    )
    return render(
        request,
        "my_actions.html",
        as_page=True,
        filters=filters,
        rows=[row_of(request, event) for event in found.events],
        older=found.older,
        actions=[(name, action_words(request, name)) for name in found.actions],
    )


def routes() -> list[Route]:
    return [Route("/mine", page, methods=["GET"], name="mine")]
