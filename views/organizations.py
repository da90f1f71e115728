from __future__ import annotations

from starlette_admin import IntegerField, StringField

from admin.i18n import lazy_gettext
from models import Organization, Role
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
    ]
    searchable_fields = ["name", "company_code"]
    sortable_fields = ["id", "name", "company_code"]
    fields_default_sort = ["name"]
    exclude_fields_from_create = ["id"]
    exclude_fields_from_edit = ["id"]
    edit_role = Role.ADMIN
    create_role = Role.ADMIN
