"""Error answers: a refused request gets a translated page (or an htmx fragment) saying what
went wrong; an unforeseen failure is logged with its traceback and a request id, and the
browser gets a friendly page naming that id, never the traceback. A database too busy to
answer in time gets 503 with Retry-After: try again in a few seconds."""

from __future__ import annotations

import logging
from html import escape

from sqlalchemy.exc import DataError, IntegrityError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette_admin.contrib.sqla import Admin

from admin import db
from admin.i18n import N_, _

log = logging.getLogger("sportello.errors")

REASONS = {
    400: N_("This request could not be read. Go back, check what you typed and try again."),
    403: N_("Your role does not allow this page or action."),
    404: N_("This page or record does not exist, or no longer exists. Search for it again."),
    405: N_("This address does not accept this kind of request. Go back and use the form."),
    413: N_("What was sent is too large. Send less at a time."),
}
TOO_LONG = N_(
    "A value you typed is too long or out of range for what it is stored in. Nothing was "
    "saved: go back, shorten it and try again."
)
TAKEN = N_(
    "Someone saved the same value at the same moment. Nothing was saved: reload the page "
    "and try again."
)
BUSY = N_(
    "The console is very busy right now and nothing was saved. Wait a few seconds and try again."
)
RETRY_AFTER_SECONDS = 5
NO_ACTION = N_("Choose an action from the list.")
OTHER = N_("This request could not be completed. Go back and try again.")
UNEXPECTED = N_(
    "Something went wrong and nothing was saved. Try again; if it happens again, "
    "give this reference to your administrator: %(request_id)s"
)


def request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", "") or "-")


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def fragment(message: str, status_code: int) -> HTMLResponse:
    html = (
        f'<div class="alert alert-danger" role="alert" data-testid="error">{escape(message)}</div>'
    )
    return HTMLResponse(html, status_code=status_code)


def page(request: Request, title: str, message: str, status_code: int) -> HTMLResponse:
    """A standalone page: it needs no session, menu or operator to render."""
    try:
        env = request.app.state.templates.env
        html = env.get_template("error_page.html").render(
            request=request, title=title, message=message, request_id=request_id(request)
        )
    except Exception:  # the page of last resort must not fail in turn
        log.exception("error page could not be rendered; request %s", request_id(request))
        html = f"<!DOCTYPE html><title>{escape(title)}</title><p>{escape(message)}</p>"
    return HTMLResponse(html, status_code=status_code)


def saturated(request: Request, exc: BaseException) -> HTMLResponse:
    """The database stayed locked past the busy timeout, or no connection was free in time:
    nothing was saved (the transaction is rolled back), and the operator may try again."""
    log.warning("request %s: the database is saturated: %s", request_id(request), exc)
    message = _(BUSY)
    if _is_htmx(request):
        response = fragment(message, 503)
    else:
        response = page(request, _("Busy"), message, 503)
    response.headers["retry-after"] = str(RETRY_AFTER_SECONDS)
    return response


async def unexpected(request: Request, exc: Exception) -> Response:
    """An unforeseen failure: the traceback goes to the log with the request id."""
    if db.saturated(exc):
        return saturated(request, exc)
    rid = request_id(request)
    if getattr(exc, "sportello_logged", False):  # the console's own handler logged it already
        return fragment(_(UNEXPECTED) % {"request_id": rid}, 500)
    exc.sportello_logged = True  # type: ignore[attr-defined]
    log.error("request %s failed: %s %s", rid, request.method, request.url.path, exc_info=exc)
    message = _(UNEXPECTED) % {"request_id": rid}
    if _is_htmx(request):
        return fragment(message, 500)
    return page(request, _("Something went wrong"), message, 500)


async def not_stored(request: Request, exc: Exception) -> Response:
    """A value the database refused (too long, out of range, taken at the same moment):
    the transaction is rolled back and the operator told what to do."""
    log.warning("request %s: the database refused a value: %s", request_id(request), exc)
    taken = isinstance(exc, IntegrityError)
    message = _(TAKEN if taken else TOO_LONG)
    status_code = 409 if taken else 400
    if _is_htmx(request):
        return fragment(message, status_code)
    return page(request, _("Not saved"), message, status_code)


def reason(exc: HTTPException) -> str:
    return _(REASONS.get(exc.status_code, OTHER))


def install(app: Starlette, admin: Admin) -> None:
    """Translated 4xx answers and the friendly page for the console and the public pages."""

    async def admin_refusal(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if _is_htmx(request):
            return fragment(reason(exc), exc.status_code)
        shown = HTTPException(exc.status_code, detail=reason(exc), headers=exc.headers)
        return await admin._render_error(request, shown)

    async def public_refusal(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if _is_htmx(request):
            return fragment(reason(exc), exc.status_code)
        return page(request, str(exc.status_code), reason(exc), exc.status_code)

    async def checked_action(request: Request) -> Response:
        """starlette-admin's list action endpoint fails on a request naming no action."""
        if not request.query_params.get("name"):
            return JSONResponse({"msg": _(NO_ACTION)}, status_code=400)
        response: Response = await admin.handle_action(request)
        return response

    admin.app.router.routes.insert(
        0, Route("/_api/{key}/action", checked_action, methods=["POST"], name="checked-action")
    )
    for refused_value in (DataError, IntegrityError):
        admin.app.add_exception_handler(refused_value, not_stored)
        app.add_exception_handler(refused_value, not_stored)
    admin.app.add_exception_handler(HTTPException, admin_refusal)
    admin.app.add_exception_handler(Exception, unexpected)
    app.add_exception_handler(HTTPException, public_refusal)
    app.add_exception_handler(Exception, unexpected)
