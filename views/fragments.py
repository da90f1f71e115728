"""What every row-action endpoint shares: running an action, rendering a fragment or a page."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio.to_thread
from jinja2 import Environment
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette_admin.contrib.sqla import ModelView
from starlette_admin.flash import flash, get_flashed_messages
from starlette_admin.types import RequestAction
from starlette_admin.views import Link

from actions import audit, consequences
from actions.errors import Refused
from admin.auth import actor, has_role, role
from admin.i18n import _
from models import Outcome, Role

T = TypeVar("T")
# Pages that show no list row to replace: an action's outcome takes the action panel and the
# page's body is fetched again behind it.
RELOADED_PAGES = ("/detail", "/duplicates")
# Record pages that list rows of other records (a campaign's appointments): an action on one
# of those rows replaces the row; the page's other parts ask again on `sportello-changed`.
LIVE_PAGES = ("/campaigns/detail",)


@dataclass(frozen=True)
class RowAction:
    """A row action rendered as an htmx button (see templates/row-actions.html)."""

    name: str
    label: str
    icon: str
    testid: str
    minimum_role: Role = Role.OPERATOR
    available: Callable[[dict[str, Any]], bool] = lambda row: True

    def url(self, request: Request, key: str, pk: Any) -> str:
        return str(request.url_for("admin:do", key=key, pk=pk, action=self.name))

    def shown(self, request: Request, row: dict[str, Any]) -> bool:
        return has_role(request, self.minimum_role) and self.available(row)


ROW_ACTION_BUTTON = Markup(
    '<a href="%(url)s" hx-get="%(url)s" hx-target="#action-panel" hx-swap="innerHTML"'
    ' class="btn btn-sm btn-outline-primary" title="%(label)s" data-testid="%(testid)s-%(pk)s">'
    '<i class="%(icon)s" aria-hidden="true"></i> %(label)s</a>'
)


def row_action_buttons(request: Request, view: Any, row: dict[str, Any], pk: Any) -> Markup:
    """The htmx buttons of `view`'s row actions shown for `row` (templates/row-actions.html),
    every value escaped: built here rather than in a template loop, as a list shows them on
    every row."""
    key = str(view.key)
    return Markup("\n").join(
        ROW_ACTION_BUTTON
        % {
            "url": action.url(request, key, pk),
            "label": str(action.label),
            "testid": action.testid,
            "pk": pk,
            "icon": action.icon,
        }
        for action in view.htmx_row_actions
        if action.shown(request, row)
    )


class OperatorLink(Link):
    """A menu entry to a page of our own, shown to operators and above."""

    def is_accessible(self, request: Request) -> bool:
        return has_role(request, Role.OPERATOR)


def operator_link(label: str, icon: str, url: str) -> Link:
    return OperatorLink(menu_label=label, icon=icon, url=url)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def db(request: Request) -> Session:
    session: Session = request.state.session
    return session


async def call(request: Request, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a synchronous action in a worker thread with the request's session."""
    return await anyio.to_thread.run_sync(functools.partial(fn, db(request), *args, **kwargs))


def environment(request: Request) -> Environment:
    env: Environment = request.app.state.templates.env
    return env


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a fragment alone (htmx) or inside the page layout (plain browser)."""
    context.setdefault("as_page", not is_htmx(request))
    if context["as_page"]:  # a page shows the messages flashed for it, like the admin's own
        context.setdefault("flashed_messages", get_flashed_messages(request))
    html = environment(request).get_template(template).render({"request": request, **context})
    return HTMLResponse(html, status_code=status_code)


async def list_row(request: Request, view: ModelView, obj: Any) -> str:
    """The list-table row of `obj`, as the list page renders it."""
    request.state.action = RequestAction.LIST
    row = await view.serialize(obj, request)
    template = environment(request).get_template("_list_row.html")
    return template.render(
        {
            "request": request,
            "view": view,
            "fields": view.get_fields_list(request),
            "row": row,
            "row_actions": {
                row[str(view.pk_attr)]: await view.get_row_actions_for_obj(request, obj)
            },
            "_actions": await view.get_all_actions(request),
        }
    )


def in_panel(request: Request, template: str, **context: Any) -> HTMLResponse:
    """`template` rendered with `context`, which htmx puts in the action panel."""
    response = render(request, template, **context)
    if is_htmx(request):
        response.headers["HX-Retarget"] = "#action-panel"
        response.headers["HX-Reswap"] = "innerHTML"
    return response


@dataclass(frozen=True)
class NamedEvent:
    """The audit event an outcome names (templates/_recorded_event.html): a link to its page
    for those who may open it (supervisors and administrators); for an operator the number
    alone, and their own trail, where they find it again."""

    id: int
    refused: bool
    url: str | None
    mine_url: str | None

    def text(self) -> str:
        """The sentence without links, for a flashed message."""
        if self.refused:
            return _("The refusal was recorded as audit event %(number)s.") % {"number": self.id}
        return _("Recorded as audit event %(number)s.") % {"number": self.id}


def named_event(request: Request, outcome: Outcome = Outcome.SUCCESS) -> NamedEvent | None:
    """The event of the action this request ran, with `outcome` (see audit.main_event).
    It is read once the action's flush wrote it: the middleware commits after the answer
    is drawn, and a failed commit answers with an error instead of this outcome, so the
    number shown is always that of an event the trail keeps."""
    main = audit.main_event(db(request), outcome)
    if main is None or role(request) is None:
        return None
    if has_role(request, Role.SUPERVISOR):
        url = request.url_for("admin:detail", key="audit").include_query_params(pk=main.id)
        return NamedEvent(main.id, outcome == Outcome.REFUSED, str(url), None)
    mine = str(request.url_for("admin:mine"))
    return NamedEvent(main.id, outcome == Outcome.REFUSED, None, mine)


def event_note(request: Request, named: NamedEvent | None) -> Markup:
    """The sentence naming the event, as markup to put under an outcome or a refusal."""
    if named is None:
        return Markup("")
    template = environment(request).get_template("_recorded_event.html")
    # An autoescaping template's output: every value in it is escaped already.
    return Markup(template.render({"request": request, "recorded": named}))  # noqa: S704


def refusal_text(request: Request, refusal: Refused) -> Markup:
    """The reason of a refusal and the audit event that recorded it: a form's `error`."""
    note = event_note(request, named_event(request, Outcome.REFUSED))
    return Markup("{}{}").format(refusal.translated(), note)


def refused(request: Request, refusal: Refused, template: str, **context: Any) -> HTMLResponse:
    """The form again, with the reason, the refusal's audit event and what was typed; htmx
    puts it back in the panel."""
    consequences.discard(db(request))  # nothing the refused action told happened
    error = refusal_text(request, refusal)
    return in_panel(request, template, error=error, error_field=refusal.field, **context)


async def perform(
    request: Request,
    view: ModelView,
    *,
    template: str,
    context: Callable[[], Awaitable[dict[str, Any]]],
    run: Callable[..., Any],
    subject: str,
    message: Callable[[Any], str],
) -> Response:
    """A row action's POST: `run(session, actor, values)` with what was typed; a refusal
    puts the form back (`template` with `context()`) with the reason and the values; success
    answers with the outcome and the row of `context()[subject]`."""
    form = await request.form()
    values = {k: str(v) for k, v in form.items() if k != "csrftoken"}
    try:
        await call(request, run, actor(request), values)
    except Refused as refusal:
        return refused(request, refusal, template, values=values, **(await context()))
    obj = (await context())[subject]
    return done(request, str(view.key), message(obj), await list_row(request, view, obj))


class FormRowActions:
    """Row actions whose forms share one template: `_form` shows it, `_perform` runs the
    action (see `perform`). A view sets the template, the context's key of the record, and
    `_context` (what the template needs) and `_params` (what the outcome message needs)."""

    action_template: str
    subject: str
    _context: Callable[[Request, int, str], Awaitable[dict[str, Any]]]
    _params: Callable[[Any], dict[str, Any]]

    async def _form(self, request: Request, pk: int, action: str) -> Response:
        context = await self._context(request, pk, action)
        return render(request, self.action_template, values={}, **context)

    async def _perform(
        self, request: Request, pk: int, action: str, run: Any, message: str
    ) -> Response:
        assert isinstance(self, ModelView)
        return await perform(
            request,
            self,
            template=self.action_template,
            context=lambda: self._context(request, pk, action),
            run=run,
            subject=self.subject,
            message=lambda obj: _(message) % self._params(obj),
        )


LARGEST_ID = 2**31 - 1  # the largest integer an id or version column holds (PostgreSQL int4)


def form_int(value: str | None) -> int | None:
    """A number typed in a form or a path (a version, an id), or None."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdecimal() or len(text) > 10 or int(text) > LARGEST_ID:
        return None
    return int(text)


def forbidden(request: Request) -> HTMLResponse:
    message = _("Your role does not allow this action.")
    return render(request, "_outcome.html", status_code=403, ok=False, message=message)


@dataclass(frozen=True)
class FollowUp:
    """A button under an outcome for the next step: Undo after a merge opens its confirmation
    in the action panel; a `direct` one (Generate login account after Forget) runs it, and
    its outcome takes the panel."""

    label: str
    url: str
    testid: str
    direct: bool = False


def told(request: Request) -> list[str]:
    """What the action told besides its outcome (actions/consequences.py), translated."""
    return [consequence.text() for consequence in consequences.take(db(request))]


def suggested(request: Request) -> FollowUp | None:
    """The next step the action suggested, as a button."""
    step = consequences.next_step(db(request))
    if step is None:
        return None
    key, pk, action = step.fix
    url = str(request.url_for("admin:do", key=key, pk=pk, action=action))
    return FollowUp(_(step.label), url, f"next-{action}", step.direct)


def _on_record_page(request: Request, key: str) -> bool:
    """A record's page or the duplicate finder: no list row to replace."""
    current = request.headers.get("hx-current-url", "")
    return f"/{key}/detail" in current or (
        any(page in current for page in RELOADED_PAGES)
        and not any(page in current for page in LIVE_PAGES)
    )


def done(
    request: Request,
    key: str,
    message: str,
    row_html: str | None,
    *,
    follow_up: FollowUp | None = None,
) -> Response:
    """Success: the outcome, with everything else the action changed, the audit event that
    records it (the action's own: see audit.main_event) and its next step.
    On a list, htmx gets the new row and the outcome under it. On a record's page, or run
    from the panel, the outcome takes the panel and the page behind fetches its body again
    (no page load). A plain form goes back to the list with the outcome flashed."""
    facts = told(request)
    follow_up = follow_up or suggested(request)
    recorded = named_event(request)
    flashed = " ".join([message, *facts, *([recorded.text()] if recorded else [])])
    if not is_htmx(request):
        flash(request, flashed, "success")
        return RedirectResponse(request.url_for("admin:list", key=key), status_code=303)
    on_page = _on_record_page(request, key)
    if on_page and row_html is None:  # the record is gone: its page cannot be shown again
        flash(request, flashed, "success")
        return Response(
            status_code=200, headers={"HX-Redirect": str(request.url_for("admin:list", key=key))}
        )
    if on_page or request.headers.get("hx-target") == "action-panel":
        response = in_panel(
            request,
            "_outcome.html",
            ok=True,
            message=message,
            facts=facts,
            recorded=recorded,
            follow_up=follow_up,
            refresh=request.headers.get("hx-current-url", "") if on_page else None,
        )
    else:
        response = render(
            request,
            "_row_outcome.html",
            message=message,
            facts=facts,
            recorded=recorded,
            follow_up=follow_up,
            row_html=row_html or "",
        )
    response.headers["HX-Trigger"] = "sportello-changed"
    return response
