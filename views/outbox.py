"""Every message the console sent or will send, and the resend action. A message that
carried a secret shows it hidden, and "Resend" issues a fresh one to the address on file."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette_admin import DateTimeField, EmailField, IntegerField, StringField, TextAreaField

from actions.errors import Refused
from actions.reissue import Target, resend_message, target_of
from admin.auth import actor
from admin.i18n import _, lazy_gettext
from models import Channel, OutboxMessage, OutboxStatus
from views.base import SportelloModelView, StateField
from views.fragments import RowAction, call, done, list_row, refused, render
from views.rendering import LinkedHasOne


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
        LinkedHasOne("resent_from", key="outbox", label=lazy_gettext("Copy of")),
        # A property: the text with any link or code hidden (the body itself is never shown).
        TextAreaField("shown_body", label=lazy_gettext("Text"), read_only=True),
    ]
    exclude_fields_from_list = [
        "shown_body",
        "last_error",
        "entity_type",
        "entity_id",
        "next_attempt_at",
        "resent_from",
    ]
    exclude_fields_from_export = ["shown_body"]
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
        message, target = await call(request, _message_and_target, pk)
        plain = message is not None and message.secret is None
        return render(
            request,
            "resend_form.html",
            view=self,
            message=message,
            target=target,
            values={
                "recipient": message.recipient if plain and message else "",
                "request_key": secrets.token_urlsafe(16),
            },
        )

    async def resend_submit(self, request: Request, pk: int) -> Response:
        form = await request.form()
        values = {name: str(form.get(name, "")).strip() for name in ("recipient", "request_key")}
        try:
            copy = await call(
                request,
                resend_message,
                actor(request),
                pk,
                values["recipient"] or None,
                link_base=str(request.app.state.settings.base_url),
                request_key=values["request_key"] or None,
            )
        except Refused as refusal:
            message, target = await call(request, _message_and_target, pk)
            return refused(
                request,
                refusal,
                "resend_form.html",
                view=self,
                message=message,
                target=target,
                values=values,
            )
        text = (
            _(
                "A fresh link or code is on its way to %(recipient)s; the earlier ones no longer work."
            )
            if copy.secret is not None
            else _("A copy is queued for %(recipient)s.")
        ) % {"recipient": copy.recipient}
        return done(request, self.key, text, await list_row(request, self, copy))


def _message_and_target(
    session: Session, message_id: int
) -> tuple[OutboxMessage | None, Target | None]:
    """The message, and for one that carried a secret where a fresh one would go."""
    message = session.get(OutboxMessage, message_id)
    if message is None or message.secret is None:
        return message, None
    try:
        return message, target_of(session, message)
    except Refused:
        return message, Target(None)
