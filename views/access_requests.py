"""Access requests (seed 002): the list the desk works from, its row actions (approve or
refuse a join request as the administrator said on the phone, open a ticket, follow a
recovery path), the "Support portal requests" page where the desk enters a caller's request,
and the public page the administrator's mailed links open."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette_admin import BooleanField, DateTimeField, EmailField, IntegerField, StringField
from starlette_admin.flash import flash
from starlette_admin.views import Link

from actions import access_requests, companies
from actions.errors import Refused
from admin.auth import actor, has_role
from admin.i18n import N_, NC_, _, current_locale, lazy_gettext
from models import AccessRequest, AccessRequestKind, AccessRequestState, Role
from views.base import SportelloModelView, StateField
from views.fragments import (
    FormRowActions,
    RowAction,
    call,
    environment,
    forbidden,
    form_int,
    operator_link,
    render,
)
from views.rendering import LinkedHasOne

KIND_LABELS = {
    "access_code": N_("access code"),
    "username": N_("username recovery"),
    "join": N_("join a company"),
    "cannot_open_ticket": N_("cannot open a ticket"),
    "other": N_("other"),
}
STATE_LABELS = {
    "pending": N_("pending"),
    "approved": N_("approved"),
    "refused": N_("refused"),
    "resolved": NC_("access request state", "resolved"),
}
PATH_LABELS = {
    "username": N_("I do not remember my username"),
    "join": N_("The user does not exist"),
    "cannot_open_ticket": N_("I cannot open a ticket"),
    "other": N_("Other problems"),
}


def _pending_join(row: dict[str, Any]) -> bool:
    return row.get("kind") == "join" and row.get("state") == "pending"


def _pending(row: dict[str, Any]) -> bool:
    return row.get("state") == "pending" and not (row.get("ticket_id") or row.get("ticket"))


class AccessRequestView(FormRowActions, SportelloModelView):
    model = AccessRequest
    action_template = "access_request_form.html"
    subject = "item"
    key = "access_requests"
    display_name = lazy_gettext("Access request")
    menu_label = lazy_gettext("Access requests")
    icon = "fa fa-key"
    create_role = None  # entered through "Support portal requests"
    edit_role = None
    fields = [
        IntegerField("id", label=lazy_gettext("No.")),
        StateField("kind", enum=AccessRequestKind, labels=KIND_LABELS, label=lazy_gettext("Kind")),
        StateField(
            "state", enum=AccessRequestState, labels=STATE_LABELS, label=lazy_gettext("State")
        ),
        StringField("vat_number", label=lazy_gettext("VAT number")),
        StringField("company_name", label=lazy_gettext("Company")),
        StringField("requester_name", label=lazy_gettext("Requester")),
        EmailField("requester_email", label=lazy_gettext("Requester's e-mail")),
        StringField("tax_code", label=lazy_gettext("Tax code")),
        BooleanField("consent_to_ticket", label=lazy_gettext("Agreed to a ticket")),
        StringField("outcome", label=lazy_gettext("Outcome")),
        # Lists carry the number (for the row actions), record pages the ticket's label.
        IntegerField("ticket_id", label=lazy_gettext("Ticket (no.)"), exclude_from_detail=True),
        LinkedHasOne(
            "ticket",
            key="tickets",
            label=lazy_gettext("Ticket"),
            read_only=True,
            exclude_from_list=True,
        ),
        StringField("decided_via", label=lazy_gettext("Decided via")),
        StringField("decided_by", label=lazy_gettext("Decided by")),
        DateTimeField("created_at", label=lazy_gettext("Received")),
    ]
    exclude_fields_from_list = ["vat_number", "tax_code", "consent_to_ticket", "decided_by"]
    searchable_fields = ["requester_name", "requester_email", "company_name", "kind", "state"]
    sortable_fields = ["id", "created_at", "state"]
    fields_default_sort = [("id", True)]
    htmx_row_actions = [
        RowAction(
            "approve", lazy_gettext("Approve"), "fa fa-check", "approve", available=_pending_join
        ),
        RowAction(
            "refuse", lazy_gettext("Refuse"), "fa fa-xmark", "refuse", available=_pending_join
        ),
        RowAction(
            "recover", lazy_gettext("Recovery path"), "fa fa-route", "recover", available=_pending
        ),
        RowAction(
            "open_ticket",
            lazy_gettext("Open ticket"),
            "fa fa-ticket",
            "open-ticket",
            available=_pending,
        ),
    ]
    path_labels = PATH_LABELS

    async def _request(self, request: Request, pk: int) -> AccessRequest:
        found: AccessRequest | None = await call(
            request, lambda db, i: db.get(AccessRequest, i), pk
        )
        if found is None:
            raise Refused(N_("This request no longer exists."))
        return found

    async def _context(self, request: Request, pk: int, action: str) -> dict[str, Any]:
        return {"view": self, "item": await self._request(request, pk), "action": action}

    def _params(self, obj: Any) -> dict[str, Any]:
        return {"id": obj.id}

    async def approve_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "approve")

    async def approve_submit(self, request: Request, pk: int) -> Response:
        return await self._decide(request, pk, approve=True)

    async def refuse_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "refuse")

    async def refuse_submit(self, request: Request, pk: int) -> Response:
        return await self._decide(request, pk, approve=False)

    async def _decide(self, request: Request, pk: int, *, approve: bool) -> Response:
        """The administrator's decision, given on the phone and recorded by the desk."""
        return await self._perform(
            request,
            pk,
            "approve" if approve else "refuse",
            lambda db, who, values: access_requests.decide_by_phone(
                db, who, pk, approve, expected_version=form_int(values.get("version"))
            ),
            N_("Request %(id)s is approved, as the administrator said; the requester is told.")
            if approve
            else N_("Request %(id)s is refused, as the administrator said; the requester is told."),
        )

    async def open_ticket_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "open_ticket")

    async def open_ticket_submit(self, request: Request, pk: int) -> Response:
        return await self._perform(
            request,
            pk,
            "open_ticket",
            lambda db, who, values: access_requests.open_ticket_for(
                db,
                who,
                pk,
                subject=values.get("subject", ""),
                description=values.get("description", ""),
            ),
            N_("Request %(id)s has its ticket."),
        )

    async def recover_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "recover")

    async def recover_submit(self, request: Request, pk: int) -> Response:
        settings = request.app.state.settings

        def run(db: Any, who: Any, values: dict[str, str]) -> Any:
            path = values.get("path", "")
            item = db.get_one(AccessRequest, pk)
            if path == "username":
                return access_requests.recover_username(
                    db,
                    who,
                    email=values.get("email", ""),
                    tax_code=values.get("tax_code", ""),
                    request_id=pk,
                )
            if path == "join":
                return access_requests.request_join(
                    db,
                    who,
                    vat_number=item.vat_number or "",
                    requester_name=values.get("name", "") or item.requester_name,
                    requester_email=values.get("email", "") or item.requester_email,
                    tax_code=values.get("tax_code", ""),
                    secret_key=settings.secret_key,
                    link_base=settings.base_url,
                    request_id=pk,
                )
            if path in ("cannot_open_ticket", "other"):
                item.kind = AccessRequestKind(path)
                return access_requests.open_ticket_for(
                    db, who, pk, subject=_(PATH_LABELS[path]), description=values.get("note", "")
                )
            raise Refused(N_("Choose what the caller needs."), field="path")

        return await self._perform(
            request, pk, "recover", run, N_("Request %(id)s follows its recovery path.")
        )


def menu_link() -> Link:
    return operator_link(lazy_gettext("Support portal requests"), "fa fa-headset", "/admin/portal")


PORTAL_FIELDS = (
    "form",
    "vat_number",
    "company_name",
    "requester_name",
    "requester_email",
    "tax_code",
    "consent",
    "access_code",
    "first_name",
    "last_name",
    "username",
)


async def portal(request: Request) -> Response:
    """Enter a caller's request as the portal would: what they are told is shown as such."""
    if not has_role(request, Role.OPERATOR):
        return forbidden(request)
    if request.method == "GET":
        return render(request, "portal.html", values={}, as_page=True)
    form = await request.form()
    values = {name: str(form.get(name, "")).strip() for name in PORTAL_FIELDS}
    settings = request.app.state.settings
    who = actor(request)
    try:
        if values["form"] == "register":
            return await _register(request, values)
        if values["form"] == "access_code":
            answer = await call(
                request,
                lambda db: access_requests.request_access_code(
                    db,
                    who,
                    vat_number=values["vat_number"],
                    company_name=values["company_name"],
                    requester_name=values["requester_name"],
                    requester_email=values["requester_email"],
                    consent_to_ticket=values["consent"] == "yes",
                    language=current_locale(),
                ),
            )
        elif values["form"] == "username":
            answer = await call(
                request,
                lambda db: access_requests.recover_username(
                    db, who, email=values["requester_email"], tax_code=values["tax_code"]
                ),
            )
        else:
            answer = await call(
                request,
                lambda db: access_requests.request_join(
                    db,
                    who,
                    vat_number=values["vat_number"],
                    requester_name=values["requester_name"],
                    requester_email=values["requester_email"],
                    tax_code=values["tax_code"],
                    secret_key=settings.secret_key,
                    link_base=settings.base_url,
                ),
            )
    except Refused as refusal:
        return render(
            request,
            "portal.html",
            values=values,
            error=refusal.translated(),
            error_field=refusal.field,
            as_page=True,
        )
    return render(
        request,
        "portal.html",
        values={},
        answer=_(answer.message) % answer.params,
        answered=answer.request,
        as_page=True,
    )


async def _register(request: Request, values: dict[str, str]) -> Response:
    """The company's first registration, for a caller who has its access code: they become
    its administrator and choose their password from the activation mail."""
    person = companies.Person(
        first_name=values["first_name"],
        last_name=values["last_name"],
        tax_code=values["tax_code"],
        email=values["requester_email"],
        username=values["username"],
    )
    member = await call(
        request,
        companies.register_company,
        actor(request),
        values["vat_number"],
        values["access_code"],
        person,
        link_base=request.app.state.settings.base_url,
    )
    flash(
        request,
        _(
            "%(company)s is registered: %(name)s is its administrator and receives the "
            "activation mail at %(email)s."
        )
        % {"company": member.organization.name, "name": member.full_name, "email": member.email},
        "success",
    )
    return RedirectResponse(
        request.url_for("admin:detail", key="organizations").include_query_params(
            pk=member.organization_id
        ),
        status_code=303,
    )


async def join_link(request: Request) -> Response:
    """The administrator's mailed link: GET asks to confirm (mail scanners follow links),
    POST decides. Public: the signed, single-use token is the authority."""
    token = request.path_params["token"]
    secret_key = request.app.state.settings.secret_key
    factory = request.app.state.session_factory
    deciding = request.method == "POST"

    def perform() -> dict[str, Any]:
        with factory() as db:
            try:
                item, approve = access_requests.read_link(db, token, secret_key)
                context = {"approve": approve, "name": item.requester_name, "token": token}
                if deciding:
                    access_requests.decide_by_link(db, token, secret_key)
            except Refused as refusal:
                db.commit()  # the refusal's audit event, nothing else
                return {"error": refusal.translated()}
            db.commit()
            return {**context, "decided": deciding}

    context = await anyio.to_thread.run_sync(perform)
    template = environment(request).get_template("join_decision.html")
    html = template.render(request=request, **context)
    return HTMLResponse(html, status_code=400 if "error" in context else 200)


def routes() -> list[Route]:
    return [Route("/portal", portal, methods=["GET", "POST"], name="portal")]


def public_routes() -> list[Route]:
    return [Route("/access/join/{token}", join_link, methods=["GET", "POST"], name="join-link")]
