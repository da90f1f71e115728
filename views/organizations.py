from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette_admin import DateTimeField, EmailField, EnumField, IntegerField, StringField

from actions import companies, personal_data
from actions.errors import Refused
from admin.i18n import N_, _, lazy_gettext
from models import CredentialPolicy, Organization, Role
from views.base import SportelloModelView
from views.fragments import RowAction, call, perform, render
from views.rendering import LinkedHasOne


def _unregistered_company(row: dict[str, Any]) -> bool:
    return bool(row.get("vat_number")) and not row.get("registered_at")


def _registered_company(row: dict[str, Any]) -> bool:
    return bool(row.get("registered_at"))


USER_FIELDS = ("requested_by", "first_name", "last_name", "tax_code", "email", "username")


class OrganizationView(SportelloModelView):
    model = Organization
    key = "organizations"
    display_name = lazy_gettext("Organisation")
    menu_label = lazy_gettext("Organisations")
    icon = "fa fa-building"
    fields = [
        IntegerField("id", label=lazy_gettext("No.")),
        StringField("name", label=lazy_gettext("Name")),
        StringField("company_code", label=lazy_gettext("Company code")),
        StringField("country", label=lazy_gettext("Country")),
        StringField("language", label=lazy_gettext("Language")),
        StringField("timezone", label=lazy_gettext("Time zone")),
        StringField("vat_number", label=lazy_gettext("VAT number")),
        StringField("isil", label=lazy_gettext("ISIL code")),
        EnumField(
            "credential_policy", enum=CredentialPolicy, label=lazy_gettext("Members log in with")
        ),
        EmailField("email", label=lazy_gettext("E-mail on file")),
        LinkedHasOne(
            "administrator",
            key="members",
            label=lazy_gettext("Administrator"),
            read_only=True,
            exclude_from_list=True,
        ),
        DateTimeField(
            "registered_at",
            label=lazy_gettext("Registered on the support portal"),
            read_only=True,
            exclude_from_list=True,
        ),
    ]
    checks = {
        "vat_number": lambda value, data: personal_data.vat_number(
            value, str(data.get("country") or "IT")
        ),
        "isil": lambda value, data: personal_data.isil(value),
        "email": lambda value, data: personal_data.email(value),
    }
    searchable_fields = ["name", "company_code"]
    sortable_fields = ["id", "name", "company_code"]
    fields_default_sort = ["name"]
    exclude_fields_from_create = ["id", "administrator", "registered_at"]
    exclude_fields_from_edit = ["id", "administrator", "registered_at"]
    edit_role = Role.ADMIN
    create_role = Role.ADMIN
    htmx_row_actions = [
        RowAction(
            "send_access_code",
            lazy_gettext("Send access code"),
            "fa fa-key",
            "send-access-code",
            available=_unregistered_company,
        ),
        RowAction(
            "create_user",
            lazy_gettext("Create a user"),
            "fa fa-user-plus",
            "create-user",
            available=_registered_company,
        ),
    ]

    async def _context(self, request: Request, pk: int) -> dict[str, Any]:
        found = await call(request, lambda db, i: db.get(Organization, i), pk)
        if found is None:
            raise Refused(N_("This company no longer exists."))
        return {"view": self, "organization": found}

    async def send_access_code_form(self, request: Request, pk: int) -> Response:
        context = await self._context(request, pk)
        return render(request, "organization_action_form.html", values={}, **context)

    async def create_user_form(self, request: Request, pk: int) -> Response:
        context = await self._context(request, pk)
        return render(
            request, "organization_action_form.html", values={}, action="create_user", **context
        )

    async def create_user_submit(self, request: Request, pk: int) -> Response:
        link_base = request.app.state.settings.base_url

        async def context() -> dict[str, Any]:
            return {**await self._context(request, pk), "action": "create_user"}

        def run(db: Any, who: Any, values: dict[str, str]) -> Any:
            person = companies.Person(
                first_name=values.get("first_name", ""),
                last_name=values.get("last_name", ""),
                tax_code=values.get("tax_code", ""),
                email=values.get("email", ""),
                username=values.get("username", ""),
            )
            return companies.create_company_user(
                db, who, pk, values.get("requested_by", ""), person, link_base=link_base
            )

        return await perform(
            request,
            self,
            template="organization_action_form.html",
            context=context,
            run=run,
            subject="organization",
            message=lambda org: (
                _("The new user of %(company)s receives the activation mail.")
                % {"company": org.name}
            ),
        )

    async def send_access_code_submit(self, request: Request, pk: int) -> Response:
        return await perform(
            request,
            self,
            template="organization_action_form.html",
            context=lambda: self._context(request, pk),
            run=lambda db, who, values: companies.send_access_code(db, who, pk),
            subject="organization",
            message=lambda org: (
                _("A new access code is on its way to %(email)s.") % {"email": org.email}
            ),
        )
