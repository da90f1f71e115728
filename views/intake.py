"""Record a client's request (menu "Record a request"): intake attaches it to the client it
belongs to, or creates the client and mails its number."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette_admin.flash import flash
from starlette_admin.views import Link

from actions import intake as intake_action
from actions.errors import Refused
from admin.auth import actor, has_role
from admin.i18n import N_, _, lazy_gettext
from models import EventKind, Role
from views.clients import KIND_LABELS
from views.fragments import call, forbidden, operator_link, render

FIELDS = (
    "legal_name",
    "identifier",
    "client_number",
    "kind",
    "description",
    "requester_email",
    "language",
)
LANGUAGES = {"fr": N_("French"), "it": N_("Italian"), "nl": N_("Dutch"), "en": N_("English")}
MATCHED = {
    "client number": N_("%(number)s %(name)s receives the request (by its client number)."),
    "identifier": N_("%(number)s %(name)s receives the request (same SIRET or VAT number)."),
    "name": N_("%(number)s %(name)s receives the request (same legal name)."),
}


def menu_link() -> Link:
    return operator_link(lazy_gettext("Record a request"), "fa fa-inbox", "/admin/intake")


def _form(request: Request, values: dict[str, str], **context: Any) -> Response:
    return render(
        request,
        "intake_form.html",
        values=values,
        kinds=KIND_LABELS,
        languages=LANGUAGES,
        as_page=True,
        **context,
    )


async def page(request: Request) -> Response:
    if not has_role(request, Role.OPERATOR):
        return forbidden(request)
    if request.method == "GET":
        return _form(request, {"kind": EventKind.OTHER.value, "language": "fr"})
    form = await request.form()
    values = {name: str(form.get(name, "")).strip() for name in FIELDS}
    try:
        kind = EventKind(values["kind"])
    except ValueError:
        kind = EventKind.OTHER
    try:
        result = await call(
            request,
            intake_action.intake,
            actor(request),
            intake_action.Request(
                legal_name=values["legal_name"],
                kind=kind,
                description=values["description"],
                identifier=values["identifier"] or None,
                client_number=values["client_number"] or None,
                requester_email=values["requester_email"] or None,
                language=values["language"] if values["language"] in LANGUAGES else "fr",
            ),
        )
    except Refused as refusal:
        return _form(request, values, error=refusal.translated(), error_field=refusal.field)
    client = result.client
    if result.matched_by == "new":
        message = (
            _("New client %(number)s %(name)s; its number is mailed to %(email)s.")
            if result.event.requester_email
            else _("New client %(number)s %(name)s; no e-mail was given, so nothing is mailed.")
        )
    else:
        message = _(MATCHED[result.matched_by])
    flash(
        request,
        message
        % {
            "number": client.client_number,
            "name": client.legal_name,
            "email": result.event.requester_email,
        },
        "success",
    )
    return RedirectResponse(
        request.url_for("admin:detail", key="clients").include_query_params(pk=client.id),
        status_code=303,
    )


def routes() -> list[Route]:
    return [Route("/intake", page, methods=["GET", "POST"], name="intake")]
