"""The audit trail, read-only, for supervisors and administrators; each event's page reads
it as a change (`audit_event.html`, from actions/audit_event.py)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette_admin import DateTimeField, IntegerField, JSONField, StringField, TextAreaField
from starlette_admin.fields import RelationField
from starlette_admin.types import RequestAction

from actions.audit_diff import FieldChange, fields_of
from actions.audit_event import EventPage, RecordState, read_event
from admin.i18n import N_, lazy_gettext
from models import AuditEvent, Outcome, Role
from views.base import SportelloModelView, StateField
from views.labels import label_of
from views.records import record_url, view_for

# The role the operator had when they acted, as the event page names it.
ROLE_LABELS = {
    "operator": N_("operator"),
    "supervisor": N_("supervisor"),
    "admin": N_("administrator"),
}


@dataclass(frozen=True)
class EventScreen:
    """The event page: what actions/audit_event.py read, with the console's words for the
    record's fields and the addresses of the pages it links to."""

    page: EventPage
    labels: dict[str, str]
    record_url: str | None
    operator_url: str | None
    snapshot: list[FieldChange]

    @property
    def record_label(self) -> str:
        """The record as its page names it ("Mario Rossi (member 31)")."""
        record = self.page.record
        return (
            label_of(record.row)
            if record.row is not None
            else f"{record.entity_type} {record.entity_id}"
        )

    @property
    def role(self) -> str | None:
        """The operator's role at the time, as a msgid (translated by the page)."""
        role = self.page.event.operator_role
        return ROLE_LABELS.get(role, role) if role else None


def field_labels(request: Request, entity_type: str | None) -> dict[str, str]:
    """A record's field names as its page labels them (`first_name` → "First name")."""
    view = view_for(request, entity_type)
    if view is None:
        return {}
    labels: dict[str, str] = {}
    for f in view.fields:
        if f.label and f.label != f.name:
            labels[f.name] = str(f.label)
            if isinstance(f, RelationField):  # the trail records the column: `organization_id`
                labels.setdefault(f"{f.name}_id", str(f.label))
    return labels


def event_screen(request: Request, event: AuditEvent) -> EventScreen:
    page = read_event(request.state.session, event)
    labels = field_labels(request, event.entity_type)
    exists = page.record.state == RecordState.EXISTS
    return EventScreen(
        page,
        labels,
        record_url(request, event.entity_type, event.entity_id) if exists else None,
        record_url(request, "operator", event.operator_id),
        fields_of(page.record.snapshot, labels),
    )


class AuditView(SportelloModelView):
    model = AuditEvent
    key = "audit"
    display_name = lazy_gettext("Audit event")
    menu_label = lazy_gettext("Audit")
    icon = "fa fa-shield-halved"
    minimum_role = Role.SUPERVISOR
    edit_role = None
    create_role = None
    detail_template = "audit_event.html"
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

    async def serialize(self, obj: Any, request: Request, *args: Any, **kwargs: Any) -> Any:
        """The event's page also receives the event read in its surroundings (`screen`)."""
        serialized = await super().serialize(obj, request, *args, **kwargs)
        if request.state.action == RequestAction.DETAIL and isinstance(obj, AuditEvent):
            serialized["screen"] = await anyio.to_thread.run_sync(
                functools.partial(event_screen, request, obj)
            )
        return serialized
