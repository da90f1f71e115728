"""The one-box lookup on every page: results as an htmx drop-down, Enter opens the best."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from actions.lookup import Hit, lookup
from admin.auth import has_role
from models import Role
from views.fragments import call, forbidden, render

VIEW_KEYS = {"member": "members", "login_account": "login_accounts", "client": "clients"}


def hit_url(request: Request, hit: Hit) -> str:
    url = request.url_for("admin:detail", key=VIEW_KEYS[hit.kind]).include_query_params(pk=hit.id)
    return str(url)


async def results(request: Request) -> Response:
    if not has_role(request, Role.OPERATOR):
        return forbidden(request)
    query = request.query_params.get("q", "")
    hits = await call(request, lookup, query)
    return render(
        request, "lookup_results.html", hits=hits, query=query, url=hit_url, as_page=False
    )


async def go(request: Request) -> Response:
    """Enter in the box: open the best match, or show the results when there are none."""
    if not has_role(request, Role.OPERATOR):
        return forbidden(request)
    query = request.query_params.get("q", "")
    hits = await call(request, lookup, query)
    if hits:
        return RedirectResponse(hit_url(request, hits[0]), status_code=303)
    return render(request, "lookup_results.html", hits=hits, query=query, url=hit_url, as_page=True)


def routes() -> list[Route]:
    return [
        Route("/lookup", results, methods=["GET"], name="lookup"),
        Route("/lookup/go", go, methods=["GET"], name="lookup-go"),
    ]
