"""The one-box lookup on every page: results as an htmx drop-down, Enter opens the best."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from actions.lookup import Hit, lookup
from actions.lookup_accounts import PHONE_ACTIONS, accounts_for_mobile_hits
from admin.auth import has_role
from admin.i18n import N_, _
from models import LoginAccount, Role
from views.fragments import call, forbidden, render

VIEW_KEYS = {"member": "members", "login_account": "login_accounts", "client": "clients"}
PHONE_ACTION_LABELS = {
    "send_phone_code": N_("Send phone code"),
    "confirm_phone_code": N_("Type phone code"),
}


def hit_url(request: Request, hit: Hit) -> str:
    url = request.url_for("admin:detail", key=VIEW_KEYS[hit.kind]).include_query_params(pk=hit.id)
    return str(url)


async def results(request: Request) -> Response:
    if not has_role(request, Role.OPERATOR):
        return forbidden(request)
    query = request.query_params.get("q", "")
    hits = await call(request, lookup, query)
    accounts = await call(request, accounts_for_mobile_hits, hits)
    return _results(request, query, hits, accounts, as_page=False)


def _results(
    request: Request,
    query: str,
    hits: list[Hit],
    accounts: dict[int, LoginAccount],
    *,
    as_page: bool,
) -> Response:
    """The results of a lookup: in the box's drop-down, or as a page of their own."""
    return render(
        request,
        "lookup_results.html",
        hits=hits,
        query=query,
        url=hit_url,
        accounts=accounts,
        actions=account_actions,
        as_page=as_page,
    )


def account_actions(request: Request, account: LoginAccount) -> list[tuple[str, str, str]]:
    """(label, url, testid) of the phone-code actions of a login account found by mobile."""
    return [
        (
            _(PHONE_ACTION_LABELS[name]),
            str(request.url_for("admin:do", key="login_accounts", pk=account.id, action=name)),
            f"lookup-{name.replace('_', '-')}",
        )
        for name in PHONE_ACTIONS
    ]


async def go(request: Request) -> Response:
    """Enter in the box: open the best match, or show the results when there are none."""
    if not has_role(request, Role.OPERATOR):
        return forbidden(request)
    query = request.query_params.get("q", "")
    hits = await call(request, lookup, query)
    if hits:
        return RedirectResponse(hit_url(request, hits[0]), status_code=303)
    return _results(request, query, hits, {}, as_page=True)


def routes() -> list[Route]:
    return [
        Route("/lookup", results, methods=["GET"], name="lookup"),
        Route("/lookup/go", go, methods=["GET"], name="lookup-go"),
    ]
