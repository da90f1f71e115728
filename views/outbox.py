"""Every message the console sent or will send, and the resend action."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette_admin import DateTimeField, EmailField, IntegerField, StringField, TextAreaField

from actions import outbox
from actions.errors import Refused
from admin.auth import actor
from admin.i18n import _, lazy_gettext
from models import Channel, OutboxMessage, OutboxStatus
from views.base import SportelloModelView, StateField
from views.fragments import RowAction, call, done, list_row, refused, render


def _delivered_or_failed(row: dict[str, Any]) -> bool:
    return row.get("status") in (OutboxStatus.SENT.value, OutboxStatus.FAILED.value)


class OutboxView(SportelloModelView):
    model = OutboxMessage
    key = "outbox"
    display_name = lazy_gettext("Message")
    menu_label = lazy_gettext("Outbox")
    icon = "fa fa-paper-plane"
    edit_role = None
    create_role = None
    fields = [
        IntegerField("id", label=lazy_gettext("No.")),
        DateTimeField("created_at", label=lazy_gettext("Queued at")),
        StateField("channel", enum=Channel, label=lazy_gettext("Channel")),
        EmailField("recipient", label=lazy_gettext("Recipient")),
        StringField("subject", label=lazy_gettext("Subject")),
        StateField("status", enum=OutboxStatus, label=lazy_gettext("Status")),
        IntegerField("attempts", label=lazy_gettext("Attempts")),
        DateTimeField("sent_at", label=lazy_gettext("Sent at")),
        TextAreaField("last_error", label=lazy_gettext("Last error")),
        StringField("caused_by", label=lazy_gettext("Caused by")),
        StringField("entity_type", label=lazy_gettext("Entity")),
        StringField("entity_id", label=lazy_gettext("Entity id")),
        DateTimeField("next_attempt_at", label=lazy_gettext("Next attempt")),
        IntegerField("resent_from_id", label=lazy_gettext("Copy of")),
    ]
    exclude_fields_from_list = [
        "last_error",
        "entity_type",
        "entity_id",
        "next_attempt_at",
        "resent_from_id",
    ]
    searchable_fields = ["recipient", "subject", "caused_by", "status", "channel", "created_at"]
    sortable_fields = ["id", "created_at", "recipient", "status", "sent_at"]
    fields_default_sort = [("id", True)]
    htmx_row_actions = [
        RowAction(
            "resend",
            lazy_gettext("Resend"),
            "fa fa-rotate-right",
            "resend",
            available=_delivered_or_failed,
        ),
    ]

    async def resend_form(self, request: Request, pk: int) -> Response:
        message = await call(request, lambda db, i: db.get(OutboxMessage, i), pk)
        return render(
            request,
            "resend_form.html",
            view=self,
            message=message,
            values={"recipient": message.recipient if message else ""},
        )

    async def resend_submit(self, request: Request, pk: int) -> Response:
        form = await request.form()
        values = {"recipient": str(form.get("recipient", "")).strip()}
        try:
            copy = await call(
                request, outbox.resend, actor(request), pk, values["recipient"] or None
            )
        except Refused as refusal:
            message = await call(request, lambda db, i: db.get(OutboxMessage, i), pk)
            return refused(
                request, refusal, "resend_form.html", view=self, message=message, values=values
            )
        text = _("A copy is queued for %(recipient)s.") % {"recipient": copy.recipient}
        return done(request, self.key, text, await list_row(request, self, copy))
