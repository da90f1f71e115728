"""Client records and their events; merge into target (with preview), undo, delete."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette_admin import DateTimeField, EmailField, IntegerField, StringField, TextAreaField

from actions import personal_data
from actions.client_history import suggest_targets
from actions.errors import Refused
from actions.merge_clients import (
    ask_delete,
    ask_merge,
    delete_client,
    merge,
    undo_merge,
)
from actions.steps import Proof
from admin.auth import actor, has_role
from admin.i18n import N_, _, lazy_gettext
from models import Client, ClientEvent, ClientOrigin, EventKind, Role
from views.base import SportelloModelView, StateField
from views.fragments import (
    FollowUp,
    RowAction,
    call,
    done,
    forbidden,
    in_panel,
    list_row,
    refused,
    render,
)
from views.rendering import LinkedHasOne

KIND_LABELS = {
    "event_cover": N_("event cover request"),
    "training_request": N_("training request"),
    "other": N_("other request"),
}
ORIGIN_LABELS = {"intake": N_("intake"), "operator": N_("operator"), "import": N_("import")}


def _merged(row: dict[str, Any]) -> bool:
    """Lists carry the number, record pages the named client."""
    return bool(row.get("merged_into_id") or row.get("merged_into"))


def _active(row: dict[str, Any]) -> bool:
    return not _merged(row)


class ClientView(SportelloModelView):
    model = Client
    key = "clients"
    display_name = lazy_gettext("Client")
    menu_label = lazy_gettext("Clients")
    icon = "fa fa-city"
    fields = [
        IntegerField("id", label=lazy_gettext("No.")),
        StringField("client_number", label=lazy_gettext("Client number"), read_only=True),
        StringField("legal_name", label=lazy_gettext("Legal name")),
        StringField("identifier", label=lazy_gettext("SIRET or VAT number")),
        EmailField("email", label=lazy_gettext("E-mail")),
        StringField("address", label=lazy_gettext("Address")),
        StateField(
            "origin",
            enum=ClientOrigin,
            labels=ORIGIN_LABELS,
            label=lazy_gettext("Origin"),
            read_only=True,
        ),
        # Lists carry the number (for the row actions), record pages the client's name.
        IntegerField(
            "merged_into_id",
            label=lazy_gettext("Merged into (no.)"),
            read_only=True,
            exclude_from_detail=True,
        ),
        LinkedHasOne(
            "merged_into",
            key="clients",
            label=lazy_gettext("Merged into"),
            read_only=True,
            exclude_from_list=True,
        ),
        DateTimeField("created_at", label=lazy_gettext("Created"), read_only=True),
    ]
    exclude_fields_from_list = ["address", "id"]
    exclude_fields_from_create = [
        "id",
        "client_number",
        "origin",
        "merged_into_id",
        "merged_into",
        "created_at",
    ]
    exclude_fields_from_edit = exclude_fields_from_create
    create_role = None  # clients are created by intake
    detail_template = "client_detail.html"  # with its events and merges
    kind_labels = KIND_LABELS
    checks = {
        "identifier": lambda value, data: personal_data.company_identifier(value),
        "email": lambda value, data: personal_data.email(value),
    }
    searchable_fields = ["client_number", "legal_name", "identifier", "email", "origin"]
    sortable_fields = ["client_number", "legal_name", "created_at"]
    fields_default_sort = ["legal_name"]
    htmx_row_actions = [
        RowAction(
            "merge", lazy_gettext("Merge into…"), "fa fa-code-merge", "merge", available=_active
        ),
        RowAction(
            "undo_merge",
            lazy_gettext("Undo merge"),
            "fa fa-rotate-left",
            "undo-merge",
            available=_merged,
        ),
        RowAction("delete", lazy_gettext("Delete"), "fa fa-trash", "delete-client"),
    ]

    async def _client(self, request: Request, pk: int) -> Client:
        client: Client | None = await call(request, lambda db, i: db.get(Client, i), pk)
        if client is None:
            raise Refused(N_("This client no longer exists. Search for it again."))
        return client

    async def merge_form(self, request: Request, pk: int) -> Response:
        client = await self._client(request, pk)
        values = {"target": request.query_params.get("target", "")}  # from the duplicate finder
        return render(
            request, "merge_form.html", view=self, client=client, values=values, plan=None
        )

    async def merge_submit(self, request: Request, pk: int) -> Response:
        """Two steps: the target number shows the preview with its token; only the
        confirmation carrying that token merges, and only the events the preview showed."""
        form = await request.form()
        values = {name: str(form.get(name, "")).strip() for name in ("target", "step")}
        client = await self._client(request, pk)
        secret_key = str(request.app.state.settings.secret_key)
        try:
            if not values["step"]:
                plan = await call(
                    request, ask_merge, actor(request), pk, values["target"], secret_key
                )
                return in_panel(
                    request, "merge_form.html", view=self, client=client, values=values, plan=plan
                )
            record = await call(
                request,
                merge,
                actor(request),
                pk,
                values["target"],
                Proof(values["step"], secret_key),
            )
        except Refused as refusal:
            return refused(
                request,
                refusal,
                "merge_form.html",
                view=self,
                client=client,
                values={"target": values["target"]},
                plan=None,
            )
        merged = await self._client(request, pk)
        target = await self._client(request, record.target_id)
        message = _(
            "%(source)s is merged into %(target)s: %(count)s events moved. Nothing was mailed."
        ) % {
            "source": merged.client_number,
            "target": target.client_number,
            "count": len(record.moved_event_ids),
        }
        # Undone in one click from the outcome that just showed what moved; from the
        # client's row or page, Undo merge asks for a confirmation first.
        undo = FollowUp(
            _("Undo merge"),
            str(request.url_for("admin:do", key=self.key, pk=pk, action="undo_merge")),
            "undo",
            direct=True,
        )
        row = await list_row(request, self, merged)
        return done(request, self.key, message, row, follow_up=undo)

    async def undo_merge_form(self, request: Request, pk: int) -> Response:
        client = await self._client(request, pk)
        return render(request, "undo_merge_form.html", view=self, client=client, values={})

    async def undo_merge_submit(self, request: Request, pk: int) -> Response:
        client = await self._client(request, pk)
        try:
            record = await call(request, undo_merge, actor(request), pk)
        except Refused as refusal:
            return refused(
                request, refusal, "undo_merge_form.html", view=self, client=client, values={}
            )
        message = _("The merge is undone: %(count)s events are back on %(number)s.") % {
            "count": len(record.moved_event_ids),
            "number": client.client_number,
        }
        return done(
            request,
            self.key,
            message,
            await list_row(request, self, await self._client(request, pk)),
        )

    async def delete_form(self, request: Request, pk: int) -> Response:
        client = await self._client(request, pk)
        secret_key = str(request.app.state.settings.secret_key)
        step = await call(request, ask_delete, actor(request), pk, secret_key)
        return render(
            request,
            "client_action_form.html",
            view=self,
            client=client,
            action="delete",
            values={"step": step},
        )

    async def delete_submit(self, request: Request, pk: int) -> Response:
        """Typed confirmation: accepted only with the token the deletion form issued."""
        form = await request.form()
        values = {name: str(form.get(name, "")) for name in ("confirmation", "step")}
        client = await self._client(request, pk)
        number = client.client_number
        secret_key = str(request.app.state.settings.secret_key)
        try:
            await call(
                request,
                delete_client,
                actor(request),
                pk,
                values["confirmation"],
                Proof(values["step"], secret_key),
            )
        except Refused as refusal:
            return refused(
                request,
                refusal,
                "client_action_form.html",
                view=self,
                client=client,
                action="delete",
                values=values,
            )
        return done(
            request,
            self.key,
            _("%(number)s is deleted; the audit trail keeps its record.") % {"number": number},
            None,  # the record is gone
        )


class ClientEventView(SportelloModelView):
    model = ClientEvent
    key = "client_events"
    display_name = lazy_gettext("Client event")
    menu_label = lazy_gettext("Client events")
    icon = "fa fa-calendar"
    create_role = None
    edit_role = None
    fields = [
        IntegerField("id", label=lazy_gettext("No.")),
        LinkedHasOne("client", key="clients", label=lazy_gettext("Client")),
        StateField("kind", enum=EventKind, labels=KIND_LABELS, label=lazy_gettext("Kind")),
        TextAreaField("description", label=lazy_gettext("Description")),
        EmailField("requester_email", label=lazy_gettext("Requester")),
        DateTimeField("created_at", label=lazy_gettext("Received")),
    ]
    searchable_fields = ["description", "requester_email", "kind"]
    sortable_fields = ["id", "created_at"]
    fields_default_sort = [("id", True)]


async def merge_targets(request: Request) -> Response:
    """Autocomplete of the merge form's target: clients by number or legal name."""
    if not has_role(request, Role.OPERATOR):
        return forbidden(request)
    try:
        source = int(request.path_params["pk"])
    except ValueError:
        source = 0
    clients = await call(request, suggest_targets, source, request.query_params.get("target", ""))
    return render(request, "merge_targets.html", clients=clients, as_page=False)


def routes() -> list[Route]:
    return [Route("/clients/{pk}/targets", merge_targets, methods=["GET"], name="merge-targets")]
