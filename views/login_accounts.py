"""Login accounts: the list and their row actions (seeds 000, 002, 004). Secrets are never
shown, exported or audited."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette_admin import DateTimeField, EmailField, IntegerField, StringField

from actions.account_links import resend_activation, reset_secret
from actions.account_state import (
    ask_delete_account,
    change_login_email,
    delete_account,
    unlock_account,
)
from actions.errors import Refused
from actions.forget_generate import forget_account
from actions.login_accounts import get_account
from actions.send_phone_code import confirm_phone_code, send_phone_code
from actions.steps import Proof
from admin.auth import actor
from admin.i18n import N_, _, lazy_gettext
from models import AccountState, LoginAccount, Organization
from views.base import SportelloModelView, StateField
from views.filters import relation_in
from views.fragments import RowAction, call, done, list_row, refused, render
from views.rendering import LinkedHasOne

STATE_LABELS = {
    "pending_activation": N_("waiting for activation"),
    "active": N_("active"),
    "locked": N_("locked"),
    "disabled": N_("disabled"),
}
TITLES = {
    "resend_activation": N_("Resend the activation mail to %(username)s"),
    "reset_secret": N_("Send %(username)s a link to choose a new PIN or password"),
    "forget": N_("Forget %(username)s (unlink it from the member)"),
    "unlock": N_("Unlock %(username)s"),
    "send_phone_code": N_("Send a verification code by text message to %(username)s"),
    "confirm_phone_code": N_("Type the code %(username)s read out from the text message"),
    "delete": N_("Delete %(username)s"),
    "change_email": N_("Change the login e-mail of %(username)s"),
}
DONE = {
    "resend_activation": N_("A new activation link, valid 24 hours, is on its way to %(email)s."),
    "reset_secret": N_("A link to choose a new PIN or password is on its way to %(email)s."),
    "forget": N_("%(username)s is no longer linked to a member."),
    "unlock": N_("%(username)s is unlocked."),
    "send_phone_code": N_("The code is on its way by text message."),
    "confirm_phone_code": N_("The mobile number of %(username)s is certified."),
    "delete": N_("%(username)s is deleted; the audit trail keeps its record."),
    "change_email": N_("The login e-mail of %(username)s is changed."),
}


def _state(*states: AccountState) -> Callable[[dict[str, Any]], bool]:
    return lambda row: row.get("state") in {s.value for s in states}


def _linked(row: dict[str, Any]) -> bool:
    return bool(row.get("member"))


class LoginAccountView(SportelloModelView):
    model = LoginAccount
    key = "login_accounts"
    display_name = lazy_gettext("Login account")
    menu_label = lazy_gettext("Login accounts")
    icon = "fa fa-key"
    create_role = None
    fields = [
        IntegerField("id", label=lazy_gettext("No.")),
        StringField("username", label=lazy_gettext("Username")),
        EmailField("login_email", label=lazy_gettext("Login e-mail")),
        LinkedHasOne("member", key="members", label=lazy_gettext("Member")),
        LinkedHasOne(
            "organization",
            key="organizations",
            label=lazy_gettext("Organisation"),
            filters=[relation_in(LoginAccount.organization_id, Organization)],
        ),
        StateField("state", enum=AccountState, labels=STATE_LABELS, label=lazy_gettext("State")),
        DateTimeField(
            "activation_expires_at", label=lazy_gettext("Activation expires"), read_only=True
        ),
        DateTimeField("reset_expires_at", label=lazy_gettext("Reset link expires"), read_only=True),
        IntegerField("failed_attempts", label=lazy_gettext("Failed logins"), read_only=True),
        DateTimeField("last_login_at", label=lazy_gettext("Last login"), read_only=True),
        IntegerField(
            "phone_sends_today", label=lazy_gettext("Codes sent on that day"), read_only=True
        ),
        DateTimeField("created_at", label=lazy_gettext("Created"), read_only=True),
    ]
    exclude_fields_from_list = [
        "reset_expires_at",
        "last_login_at",
        "phone_sends_today",
        "created_at",
    ]
    exclude_fields_from_edit = [
        "id",
        "username",
        "login_email",
        "member",
        "organization",
        "state",
        "activation_expires_at",
        "reset_expires_at",
        "failed_attempts",
        "last_login_at",
        "phone_sends_today",
        "created_at",
    ]
    edit_role = None  # every change goes through an audited action below
    searchable_fields = ["username", "login_email", "state", "organization"]
    sortable_fields = ["id", "username", "login_email", "state", "activation_expires_at"]
    htmx_row_actions = [
        RowAction(
            "resend_activation",
            lazy_gettext("Resend activation"),
            "fa fa-envelope",
            "resend-activation",
            available=_state(AccountState.PENDING_ACTIVATION),
        ),
        RowAction(
            "reset_secret",
            lazy_gettext("Reset PIN / password"),
            "fa fa-key",
            "reset-secret",
            available=_state(AccountState.ACTIVE, AccountState.LOCKED),
        ),
        RowAction(
            "forget", lazy_gettext("Forget"), "fa fa-link-slash", "forget", available=_linked
        ),
        RowAction(
            "unlock",
            lazy_gettext("Unlock"),
            "fa fa-lock-open",
            "unlock",
            available=_state(AccountState.LOCKED),
        ),
        RowAction(
            "send_phone_code",
            lazy_gettext("Send phone code"),
            "fa fa-mobile",
            "send-phone-code",
            available=_linked,
        ),
        RowAction(
            "confirm_phone_code",
            lazy_gettext("Type phone code"),
            "fa fa-check",
            "confirm-phone-code",
            available=_linked,
        ),
        RowAction("change_email", lazy_gettext("Change login e-mail"), "fa fa-at", "change-email"),
        RowAction("delete", lazy_gettext("Delete"), "fa fa-trash", "delete"),
    ]

    async def _form(
        self, request: Request, pk: int, name: str, values: dict[str, str] | None = None
    ) -> Response:
        account = await call(request, get_account, pk)
        return render(
            request,
            "login_account_action_form.html",
            view=self,
            account=account,
            action=name,
            title=_(TITLES[name]) % {"username": account.username},
            values=values or {"request_key": secrets.token_urlsafe(16)},
        )

    async def _submit(
        self, request: Request, pk: int, name: str, run: Callable[..., Any]
    ) -> Response:
        form = await request.form()
        values = {k: str(v) for k, v in form.items() if k != "csrftoken"}
        before = await call(request, get_account, pk)
        username, email = before.username, before.login_email or ""
        try:
            account = await call(request, run, actor(request), pk, values)
        except Refused as refusal:
            account = await call(request, get_account, pk)
            return refused(
                request,
                refusal,
                "login_account_action_form.html",
                view=self,
                account=account,
                action=name,
                title=_(TITLES[name]) % {"username": account.username},
                values=values,
            )
        message = _(DONE[name]) % {"username": username, "email": email}
        row = await list_row(request, self, account) if account is not None else ""
        return done(request, self.key, message, row)

    def _link_base(self, request: Request) -> str:
        return str(request.app.state.settings.base_url)

    async def resend_activation_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "resend_activation")

    async def resend_activation_submit(self, request: Request, pk: int) -> Response:
        base = self._link_base(request)
        return await self._submit(
            request,
            pk,
            "resend_activation",
            lambda db, who, i, v: resend_activation(
                db, who, i, link_base=base, request_key=v.get("request_key") or None
            ),
        )

    async def reset_secret_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "reset_secret")

    async def reset_secret_submit(self, request: Request, pk: int) -> Response:
        base = self._link_base(request)
        return await self._submit(
            request,
            pk,
            "reset_secret",
            lambda db, who, i, v: reset_secret(
                db, who, i, link_base=base, request_key=v.get("request_key") or None
            ),
        )

    async def forget_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "forget")

    async def forget_submit(self, request: Request, pk: int) -> Response:
        return await self._submit(
            request,
            pk,
            "forget",
            lambda db, who, i, v: forget_account(db, who, i, reason=v.get("reason") or None),
        )

    async def unlock_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "unlock")

    async def unlock_submit(self, request: Request, pk: int) -> Response:
        return await self._submit(
            request, pk, "unlock", lambda db, who, i, v: unlock_account(db, who, i)
        )

    async def send_phone_code_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "send_phone_code")

    async def send_phone_code_submit(self, request: Request, pk: int) -> Response:
        return await self._submit(
            request,
            pk,
            "send_phone_code",
            lambda db, who, i, v: send_phone_code(
                db, who, i, request_key=v.get("request_key") or None
            ),
        )

    async def confirm_phone_code_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "confirm_phone_code")

    async def confirm_phone_code_submit(self, request: Request, pk: int) -> Response:
        return await self._submit(
            request,
            pk,
            "confirm_phone_code",
            lambda db, who, i, v: confirm_phone_code(db, who, i, v.get("code", "")),
        )

    async def change_email_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "change_email")

    async def change_email_submit(self, request: Request, pk: int) -> Response:
        return await self._submit(
            request,
            pk,
            "change_email",
            lambda db, who, i, v: change_login_email(db, who, i, v.get("login_email", "")),
        )

    async def delete_form(self, request: Request, pk: int) -> Response:
        key = str(request.app.state.settings.secret_key)
        step = await call(request, ask_delete_account, actor(request), pk, key)
        return await self._form(request, pk, "delete", {"step": step})

    async def delete_submit(self, request: Request, pk: int) -> Response:
        # On success the answer has no row: the outcome line takes the deleted row's place.
        # The typed username counts only with the token the deletion form issued.
        key = str(request.app.state.settings.secret_key)
        return await self._submit(
            request,
            pk,
            "delete",
            lambda db, who, i, v: delete_account(
                db,
                who,
                i,
                v.get("confirmation", ""),
                Proof(v.get("step", ""), key),
                reason=v.get("reason") or None,
            ),
        )
