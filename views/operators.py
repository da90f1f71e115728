"""Operators, for administrators: create, disable, enable, unlock, and the e-mail address
where a supervisor receives the audit trail's anchors."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette_admin import BooleanField, DateTimeField, EnumField, IntegerField, StringField

from actions import operator_email, operators
from actions.errors import Refused
from admin.auth import actor
from admin.i18n import LOCALES, N_, _, language_name, lazy_gettext
from models import Operator, Role
from views.base import SportelloModelView, StateField
from views.fragments import RowAction, call, done, list_row, refused, render


def _locked(row: dict[str, Any]) -> bool:
    return bool(row.get("locked_at"))


def _active(row: dict[str, Any]) -> bool:
    return bool(row.get("active"))


class OperatorView(SportelloModelView):
    model = Operator
    key = "operators"
    display_name = lazy_gettext("Operator")
    menu_label = lazy_gettext("Operators")
    icon = "fa fa-id-badge"
    minimum_role = Role.ADMIN
    edit_role = None  # operators change through the actions below, each audited
    create_role = None
    fields = [
        IntegerField("id", label=lazy_gettext("No.")),
        StringField("username", label=lazy_gettext("Username")),
        StringField("display_name", label=lazy_gettext("Name")),
        StateField("role", enum=Role, label=lazy_gettext("Role")),
        BooleanField("active", label=lazy_gettext("Active")),
        # Where a supervisor or an administrator receives the audit trail's anchors.
        StringField("email", label=lazy_gettext("E-mail")),
        # Each language by its own name ("Français"), as the language menu writes it.
        EnumField(
            "language",
            choices=[(code, language_name(code)) for code in LOCALES],
            label=lazy_gettext("Language"),
        ),
        IntegerField("failed_logins", label=lazy_gettext("Failed logins")),
        DateTimeField("locked_at", label=lazy_gettext("Locked at")),
        DateTimeField("created_at", label=lazy_gettext("Created at")),
    ]
    searchable_fields = ["username", "display_name", "email"]
    sortable_fields = ["id", "username", "role", "active"]
    htmx_row_actions = [
        RowAction(
            "unlock", lazy_gettext("Unlock"), "fa fa-lock-open", "unlock", Role.ADMIN, _locked
        ),
        RowAction(
            "disable", lazy_gettext("Disable"), "fa fa-user-slash", "disable", Role.ADMIN, _active
        ),
        RowAction(
            "enable",
            lazy_gettext("Enable"),
            "fa fa-user",
            "enable",
            Role.ADMIN,
            lambda row: not _active(row),
        ),
        RowAction("set_email", lazy_gettext("E-mail address"), "fa fa-at", "set-email", Role.ADMIN),
    ]

    async def _confirm(self, request: Request, pk: int, name: str) -> Response:
        target = await call(request, lambda db, i: db.get(Operator, i), pk)
        return render(
            request, "operator_action_form.html", view=self, target=target, action=name, values={}
        )

    async def _perform(self, request: Request, pk: int, name: str, fn: Any, text: str) -> Response:
        form = await request.form()
        values = {"reason": str(form.get("reason", ""))}
        try:
            target = await call(request, fn, actor(request), pk)
        except Refused as refusal:
            target = await call(request, lambda db, i: db.get(Operator, i), pk)
            return refused(
                request,
                refusal,
                "operator_action_form.html",
                view=self,
                target=target,
                action=name,
                values=values,
            )
        return done(
            request,
            self.key,
            _(text) % {"username": target.username},
            await list_row(request, self, target),
        )

    async def unlock_form(self, request: Request, pk: int) -> Response:
        return await self._confirm(request, pk, "unlock")

    async def unlock_submit(self, request: Request, pk: int) -> Response:
        return await self._perform(
            request, pk, "unlock", operators.unlock, N_("%(username)s is unlocked.")
        )

    async def disable_form(self, request: Request, pk: int) -> Response:
        return await self._confirm(request, pk, "disable")

    async def disable_submit(self, request: Request, pk: int) -> Response:
        return await self._perform(
            request,
            pk,
            "disable",
            operators.disable,
            N_("%(username)s is disabled and signed out everywhere."),
        )

    async def enable_form(self, request: Request, pk: int) -> Response:
        return await self._confirm(request, pk, "enable")

    async def enable_submit(self, request: Request, pk: int) -> Response:
        return await self._perform(
            request, pk, "enable", operators.enable, N_("%(username)s is enabled.")
        )

    async def set_email_form(self, request: Request, pk: int) -> Response:
        target = await call(request, _operator, pk)
        values = {"email": target.email or ""}
        return render(request, EMAIL_FORM, view=self, target=target, values=values)

    async def set_email_submit(self, request: Request, pk: int) -> Response:
        async with request.form() as form:  # a file sent in its place is closed at once
            values = {"email": str(form.get("email", ""))}  # a file: refused as no address
        try:
            target = await call(
                request, operator_email.set_email, actor(request), pk, values["email"]
            )
        except Refused as refusal:
            target = await call(request, _operator, pk)
            return refused(request, refusal, EMAIL_FORM, view=self, target=target, values=values)
        text = (
            N_("The e-mail address of %(username)s is saved.")
            if target.email
            else N_("%(username)s has no e-mail address any more.")
        )
        row = await list_row(request, self, target)
        return done(request, self.key, _(text) % {"username": target.username}, row)


EMAIL_FORM = "operator_email_form.html"


def _operator(session: Session, operator_id: int) -> Operator:
    operator = session.get(Operator, operator_id)
    if operator is None:
        raise Refused(N_("This operator no longer exists."))
    return operator
