from __future__ import annotations

from starlette_admin import EnumField, IntegerField, StringField

from actions import personal_data
from admin.i18n import lazy_gettext
from models import CredentialPolicy, Organization, Role
from views.base import SportelloModelView


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
    ]
    checks = {
        "vat_number": lambda value, data: personal_data.vat_number(
            value, str(data.get("country") or "IT")
        ),
        "isil": lambda value, data: personal_data.isil(value),
    }
    searchable_fields = ["name", "company_code"]
    sortable_fields = ["id", "name", "company_code"]
    fields_default_sort = ["name"]
    exclude_fields_from_create = ["id"]
    exclude_fields_from_edit = ["id"]
    edit_role = Role.ADMIN
    create_role = Role.ADMIN
