"""Probable and certain duplicate clients (menu "Duplicate clients"), with a merge button on
each pair; `?client=C000123` shows only the groups of that client."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette_admin.views import Link

from actions.duplicate_review import review
from actions.duplicates import MIN_SCORE
from admin.auth import has_role
from admin.i18n import N_, lazy_gettext
from models import Role
from views.fragments import call, forbidden, operator_link, render

# The finder's reasons and certainties, for translation where they are shown.
TERMS = (
    N_("same SIRET/VAT"),
    N_("same name"),
    N_("same group of words"),
    N_("near spelling"),
    N_("certain"),
    N_("probable"),
)


def menu_link() -> Link:
    return operator_link(lazy_gettext("Duplicate clients"), "fa fa-clone", "/admin/duplicates")


async def page(request: Request) -> Response:
    if not has_role(request, Role.OPERATOR):
        return forbidden(request)
    client = request.query_params.get("client", "").strip()
    try:
        min_score = min(100, max(50, int(request.query_params.get("min_score", MIN_SCORE))))
    except ValueError:
        min_score = MIN_SCORE
    result = await call(request, review, min_score, client)
    return render(
        request,
        "duplicates.html",
        review=result,
        client=client,
        min_score=min_score,
        as_page=True,
    )


def routes() -> list[Route]:
    return [Route("/duplicates", page, methods=["GET"], name="duplicates")]
