"""One route for every htmx row action: GET renders its form, POST performs it.

starlette-admin's own row actions are driven by jQuery and full form submits; these are
plain endpoints inside the admin app (so its session, CSRF and auth middleware apply)
that check the role themselves and dispatch to the view's `<action>_form` / `<action>`.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from actions import consequences
from actions.errors import Refused
from admin import errors
from admin.auth import has_role
from models import Outcome
from views.base import SportelloModelView
from views.form_checks import parse_pk
from views.fragments import db, forbidden, named_event, render


def route(views: list[SportelloModelView]) -> Route:
    by_key = {view.key: view for view in views}

    async def do(request: Request) -> Response:
        view = by_key.get(request.path_params["key"])
        action = view.row_action(request.path_params["action"]) if view else None
        if view is None or action is None:
            return not_found(request)
        if not view.is_accessible(request) or not has_role(request, action.minimum_role):
            return forbidden(request)
        pk = parse_pk(view.model, request.path_params["pk"])
        if pk is None:
            return not_found(request)
        suffix = "submit" if request.method == "POST" else "form"
        handler = getattr(view, f"{action.name}_{suffix}")
        try:
            response: Response = await handler(request, pk)
        except Refused as refusal:  # e.g. the record vanished between the list and the click
            consequences.discard(db(request))
            return render(
                request,
                "_outcome.html",
                ok=False,
                message=refusal.translated(),
                recorded=named_event(request, Outcome.REFUSED),
            )
        return response

    def not_found(request: Request) -> Response:
        message = errors.reason(HTTPException(404))
        return render(request, "_outcome.html", status_code=404, ok=False, message=message)

    return Route("/do/{key}/{pk}/{action}", do, methods=["GET", "POST"], name="do")
