"""The audit trail, read-only, for supervisors and administrators."""

from __future__ import annotations

from starlette_admin import DateTimeField, IntegerField, JSONField, StringField, TextAreaField

from admin.i18n import lazy_gettext
from models import AuditEvent, Outcome, Role
from views.base import SportelloModelView, StateField


class AuditView(SportelloModelView):
    model = AuditEvent
    key = "audit"
    display_name = lazy_gettext("Audit event")
    menu_label = lazy_gettext("Audit")
    icon = "fa fa-shield-halved"
    minimum_role = Role.SUPERVISOR
    edit_role = None
    create_role = None
    fields = [
        IntegerField("id", label=lazy_gettext("Id")),
        IntegerField("seq", label=lazy_gettext("No.")),
        DateTimeField("at", label=lazy_gettext("When")),
        StringField("operator_username", label=lazy_gettext("Operator")),
        StringField("operator_role", label=lazy_gettext("Role")),
        StringField("action", label=lazy_gettext("Action")),
        StringField("entity_type", label=lazy_gettext("Entity")),
        StringField("entity_id", label=lazy_gettext("Entity id")),
        StateField("outcome", enum=Outcome, label=lazy_gettext("Outcome")),
        TextAreaField("message", label=lazy_gettext("Message")),
        TextAreaField("reason", label=lazy_gettext("Reason")),
        JSONField("before", label=lazy_gettext("Before")),
        JSONField("after", label=lazy_gettext("After")),
        StringField("ip", label=lazy_gettext("Address")),
        StringField("user_agent", label=lazy_gettext("Browser")),
        StringField("request_id", label=lazy_gettext("Request id")),
        StringField("prev_hash", label=lazy_gettext("Previous hash")),
        StringField("hash", label=lazy_gettext("Hash")),
    ]
    exclude_fields_from_list = [
        "before",
        "after",
        "ip",
        "user_agent",
        "request_id",
        "prev_hash",
        "hash",
        "reason",
    ]
    searchable_fields = [
        "operator_username",
        "action",
        "entity_type",
        "entity_id",
        "outcome",
        "at",
        "operator_role",
    ]
    sortable_fields = ["seq", "at", "operator_username", "action", "entity_type"]
    fields_default_sort = [("seq", True)]
    # An operator or an action is found all along the trail: its latest events are among the
    # latest 20,000, read in order from the trail's index.
    search_probe = 20_000
