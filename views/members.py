"""Members: the list (search, filters, pending in yellow), the validation queue, and the
`validate` and `resend_password` row actions."""

from __future__ import annotations

import secrets
from typing import Any

import anyio.to_thread
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload, sessionmaker
from starlette.requests import Request
from starlette.responses import Response
from starlette_admin import (
    DateField,
    DateTimeField,
    EmailField,
    IntegerField,
    StringField,
)
from starlette_admin.exceptions import FormValidationError

from actions import personal_data
from actions.change_email import change_member_email, check_member_edit
from actions.errors import Refused
from actions.forget_generate import generate_account as generate_account_action
from actions.members import STATE_LABELS, get_member
from actions.resend_password import resend_password as resend_password_action
from actions.validate import validate as validate_action
from admin.auth import actor
from admin.i18n import N_, _, lazy_gettext
from models import Member, MemberState, Organization
from views.base import SportelloModelView, StateField, version_field
from views.filters import relation_in
from views.fragments import RowAction, call, db, done, list_row, refused, render
from views.link_card import submit as link_card_submit
from views.rendering import LinkedHasOne


async def _checked_apart(
    request: Request, pk: Any, typed: str | None, organization: object
) -> None:
    """The member form's rule, in a transaction of its own kept only when it refuses: the
    refused form answers 422, which rolls the request's transaction back, and the refusal
    stays in the trail. The request's transaction, which has written nothing yet, ends
    first (SQLite lets one transaction write at a time)."""
    who = actor(request)
    factory: sessionmaker[Session] = request.app.state.session_factory
    await anyio.to_thread.run_sync(db(request).rollback)

    def check() -> None:
        with factory() as own:
            try:
                check_member_edit(own, who, pk, typed, organization)
            except Refused:
                own.commit()
                raise

    await anyio.to_thread.run_sync(check)


def _country(data: dict[str, Any]) -> str:
    organization = data.get("organization")
    return str(getattr(organization, "country", None) or "IT")


def _pending(row: dict[str, Any]) -> bool:
    return row.get("state") == MemberState.PENDING.value


class MemberView(SportelloModelView):
    model = Member
    key = "members"
    display_name = lazy_gettext("Member")
    menu_label = lazy_gettext("Members")
    icon = "fa fa-user"
    fields = [
        IntegerField("id", label=lazy_gettext("No.")),
        StringField("first_name", label=lazy_gettext("First name")),
        StringField("last_name", label=lazy_gettext("Last name")),
        EmailField("email", label=lazy_gettext("E-mail")),
        StringField("tax_code", label=lazy_gettext("Tax code")),
        LinkedHasOne(
            "organization",
            key="organizations",
            label=lazy_gettext("Organisation"),
            filters=[relation_in(Member.organization_id, Organization)],
        ),
        StateField("state", enum=MemberState, labels=STATE_LABELS, label=lazy_gettext("State")),
        DateField("birth_date", label=lazy_gettext("Birth date")),
        StringField("address", label=lazy_gettext("Address")),
        StringField("mobile", label=lazy_gettext("Mobile")),
        IntegerField("dues_year", label=lazy_gettext("Dues year")),
        DateTimeField("validated_at", label=lazy_gettext("Validated at"), read_only=True),
        DateTimeField(
            "email_verified_at", label=lazy_gettext("E-mail verified at"), read_only=True
        ),
        DateTimeField(
            "mobile_verified_at", label=lazy_gettext("Mobile certified at"), read_only=True
        ),
        version_field(),
    ]
    exclude_fields_from_list = [
        "birth_date",
        "address",
        "mobile",
        "validated_at",
        "email_verified_at",
        "mobile_verified_at",
    ]
    exclude_fields_from_create = ["validated_at", "email_verified_at", "mobile_verified_at", "id"]
    exclude_fields_from_edit = [
        "validated_at",
        "email_verified_at",
        "mobile_verified_at",
        "id",
        "state",
        "dues_year",
    ]
    # The search box matches the start of a name, an e-mail or a tax code (views/search.py);
    # the others are list filters.
    searchable_fields = [
        "first_name",
        "last_name",
        "email",
        "tax_code",
        "state",
        "organization",
        "dues_year",
        "validated_at",
    ]
    sortable_fields = ["id", "first_name", "last_name", "email", "state", "dues_year"]
    fields_default_sort = ["last_name", "first_name"]
    checks = {
        "tax_code": lambda value, data: personal_data.tax_code(value),
        "email": lambda value, data: personal_data.email(value),
        "mobile": lambda value, data: personal_data.mobile(value, _country(data)),
    }
    htmx_row_actions = [
        RowAction(
            "validate", lazy_gettext("Validate"), "fa fa-check", "validate", available=_pending
        ),
        RowAction(
            "resend_password", lazy_gettext("Resend password"), "fa fa-envelope", "resend-password"
        ),
        RowAction("link_card", lazy_gettext("Link card"), "fa fa-id-card", "link-card"),
        RowAction(
            "generate_account",
            lazy_gettext("Generate login account"),
            "fa fa-user-plus",
            "generate-account",
        ),
    ]

    def get_list_query(self, request: Request) -> Select[Any]:
        return select(Member).options(joinedload(Member.organization))

    async def edit(self, request: Request, pk: Any, data: dict[str, Any]) -> Any:
        """The e-mail on file changes only through its own audited action (never for a
        PIN-policy member, seed 000), after the rest of the form is saved."""
        typed = data.get("email")
        try:
            await _checked_apart(request, pk, typed, data.get("organization"))
        except Refused as refusal:
            raise FormValidationError({refusal.field or "email": refusal.translated()}) from None
        current = await self.find_by_pk(request, pk)
        if current is not None:
            data["email"] = current.email
        try:
            saved = await super().edit(request, pk, data)
            await call(request, change_member_email, actor(request), saved.id, typed)
        except Refused as refusal:
            data["email"] = typed  # the form shows again with what was typed
            raise FormValidationError({refusal.field or "email": refusal.translated()}) from None
        except FormValidationError:
            data["email"] = typed
            raise
        return saved

    # --- validate ------------------------------------------------------------------

    async def validate_form(self, request: Request, pk: int) -> Response:
        member = await call(request, get_member, pk)
        return render(request, "validate_form.html", view=self, member=member, values={})

    async def validate_submit(self, request: Request, pk: int) -> Response:
        form = await request.form()
        values = {
            "dues_year": str(form.get("dues_year", "")).strip(),
            "reason": form.get("reason", ""),
        }
        try:
            year = int(str(values["dues_year"])) if values["dues_year"] else None
        except ValueError:
            year = -1
        try:
            member = await call(
                request,
                validate_action,
                actor(request),
                pk,
                dues_year=year,
                reason=str(values["reason"]) or None,
            )
        except Refused as refusal:
            member = await call(request, get_member, pk)
            return refused(
                request, refusal, "validate_form.html", view=self, member=member, values=values
            )
        message = _("%(name)s is validated (dues %(year)s).") % {
            "name": member.full_name,
            "year": member.dues_year,
        }
        return done(request, self.key, message, await list_row(request, self, member))

    # --- resend password -----------------------------------------------------------

    async def resend_password_form(self, request: Request, pk: int) -> Response:
        member = await call(request, get_member, pk)
        return render(
            request,
            "resend_password_form.html",
            view=self,
            member=member,
            values={"request_key": secrets.token_urlsafe(16)},
        )

    async def resend_password_submit(self, request: Request, pk: int) -> Response:
        form = await request.form()
        values = {
            "email": str(form.get("email", "")),
            "request_key": str(form.get("request_key", "")),
        }
        try:
            result = await call(
                request,
                resend_password_action,
                actor(request),
                pk,
                link_base=request.app.state.settings.base_url,
                email=values["email"] or None,
                request_key=values["request_key"] or None,
            )
        except Refused as refusal:
            member = await call(request, get_member, pk)
            return refused(
                request,
                refusal,
                "resend_password_form.html",
                view=self,
                member=member,
                values=values,
            )
        text = (
            N_("A reset link was already sent to %(email)s for this request.")
            if result.repeated
            else N_("A reset link valid for 24 hours is on its way to %(email)s.")
        )
        message = _(text) % {"email": result.message.recipient}
        return done(request, self.key, message, await list_row(request, self, result.member))

    # --- login accounts (seed 004) ---------------------------------------------------

    async def link_card_form(self, request: Request, pk: int) -> Response:
        member = await call(request, get_member, pk)
        return render(
            request, "link_card_form.html", view=self, member=member, values={}, found=None
        )

    async def link_card_submit(self, request: Request, pk: int) -> Response:
        """Two steps: the card number finds the account and shows its e-mail; only the
        operator's confirmation, with the token the first step issued, links it."""
        return await link_card_submit(request, self, pk)

    async def generate_account_form(self, request: Request, pk: int) -> Response:
        member = await call(request, get_member, pk)
        return render(request, "generate_account_form.html", view=self, member=member, values={})

    async def generate_account_submit(self, request: Request, pk: int) -> Response:
        try:
            account = await call(
                request,
                generate_account_action,
                actor(request),
                pk,
                link_base=request.app.state.settings.base_url,
            )
        except Refused as refusal:
            member = await call(request, get_member, pk)
            return refused(
                request, refusal, "generate_account_form.html", view=self, member=member, values={}
            )
        message = _(
            "The login account %(username)s is created; the activation link, valid 24 hours, is on "
            "its way to %(email)s."
        ) % {"username": account.username, "email": account.login_email}
        return done(request, self.key, message, await list_row(request, self, account.member))


class ValidationQueueView(MemberView):
    """Seed 001, "Validation des comptes": pending members whose information is complete."""

    key = "validation"
    display_name = lazy_gettext("Member to validate")
    menu_label = lazy_gettext("Validation queue")
    icon = "fa fa-user-check"

    def get_list_query(self, request: Request) -> Select[Any]:
        return (
            super()
            .get_list_query(request)
            .where(Member.state == MemberState.PENDING, Member.info_complete)
        )

    def get_count_query(self, request: Request) -> Select[Any]:
        from sqlalchemy import func

        return select(func.count(Member.id)).where(
            Member.state == MemberState.PENDING, Member.info_complete
        )

    def can_create(self, request: Request) -> bool:
        return False
