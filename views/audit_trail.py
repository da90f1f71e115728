"""The audit trail for supervisors (`/admin/audit/list`, menu Supervision > Audit): one-click
filters kept in the address, newest first, 50 events a page, each row opening its event.

Every filter is a link or a field that applies at once (htmx swaps the trail and pushes the
address); clicking an operator, an action, an outcome or a record in a row narrows to it.
The query lives in actions/audit_trail.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from actions import audit_trail
from actions.audit_trail import FILTERS, TrailFilters, TrailPage
from actions.errors import Refused
from admin.auth import has_role
from admin.i18n import N_, NC_, gettext
from models import Role, utcnow
from views.fragments import call, forbidden, is_htmx, render
from views.records import record_url

WINDOW_LABELS = {
    "": N_("Any time"),
    "hour": N_("Last hour"),
    "today": N_("Today"),
    "7d": N_("Last 7 days"),
}
OUTCOME_LABELS = {
    "success": NC_("audit outcome", "success"),
    "refused": NC_("audit outcome", "refused"),
    "error": NC_("audit outcome", "error"),
}
FILTER_LABELS = {
    "operator": N_("Operator"),
    "window": N_("When"),
    "action": N_("Action"),
    "outcome": N_("Outcome"),
    "entity_type": N_("Record type"),
    "entity_id": NC_("the record an audit event names", "Record"),
}


class AuditKey(Convertor[str]):
    """Only the audit view's key: the trail answers its list's address, and the menu's Audit
    entry knows the page as its own (`key` in the path, as on the admin's list)."""

    regex = "audit"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("audit_key", AuditKey())


@dataclass(frozen=True)
class Chip:
    """An active filter, and the address without it."""

    name: str
    label: str
    value: str
    remove_url: str
    translated: bool = False  # the value is a msgid (an outcome, a window)


class Addresses:
    """The trail's addresses from the one being shown: the same filters with one changed, the
    next page, a filter removed. Changing a filter goes back to the newest events."""

    def __init__(self, request: Request) -> None:
        # Written four times a row: the path and a query encoded once, not a URL parsed again.
        self.base = request.url_for("admin:list", key="audit").path
        self.event = request.url_for("admin:detail", key="audit").path + "?pk="
        self.typed = {k: v for k, v in request.query_params.items() if k in FILTERS and v}

    def narrow(self, **changes: Any) -> str:
        params = {**self.typed, **{k: str(v) for k, v in changes.items() if v is not None}}
        removed = {k for k, v in changes.items() if v is None}
        if "window" in changes:  # a window replaces a range, and a range a window
            removed |= {"since", "until"}
        kept = {k: v for k, v in params.items() if k not in removed and v != ""}
        return f"{self.base}?{urlencode(kept)}" if kept else self.base

    def older(self, before: int) -> str:
        return f"{self.base}?{urlencode({**self.typed, 'before': before})}"


def chips(filters: TrailFilters, addresses: Addresses) -> list[Chip]:
    found: list[Chip] = []
    for name in ("operator", "action", "entity_type", "entity_id"):
        value = getattr(filters, name)
        if value is not None:
            removed = {name: None, **({"entity_id": None} if name == "entity_type" else {})}
            found.append(Chip(name, FILTER_LABELS[name], value, addresses.narrow(**removed)))
    if filters.outcome is not None:
        value = OUTCOME_LABELS[filters.outcome.value]
        remove = addresses.narrow(outcome=None)
        found.append(Chip("outcome", FILTER_LABELS["outcome"], value, remove, translated=True))
    if filters.window is not None:
        value, translated = _window_shown(filters)
        remove = addresses.narrow(window=None)
        found.append(Chip("window", FILTER_LABELS["window"], value, remove, translated))
    return found


def _window_shown(filters: TrailFilters) -> tuple[str, bool]:
    """A window's label (a msgid), or a range as its days ("2026-12-01 → 2026-12-07")."""
    if filters.window != "range":
        return WINDOW_LABELS[filters.window or ""], True
    since, until = filters.since, filters.until
    return f"{since.isoformat() if since else '…'} → {until.isoformat() if until else '…'}", False


async def page(request: Request) -> Response:
    if not has_role(request, Role.SUPERVISOR):
        return forbidden(request)
    addresses = Addresses(request)
    values = {name: request.query_params.get(name, "") for name in FILTERS}
    error = error_field = None
    filters, result = TrailFilters(), TrailPage([], None)
    try:
        filters = audit_trail.filters_from(request.query_params)
        result = await call(request, audit_trail.trail, filters, now=utcnow())
    except Refused as refusal:  # what was typed stays in the form, with the reason
        error, error_field = refusal.translated(), refusal.field
    context = {
        "values": values,
        "filters": filters,
        "result": result,
        "error": error,
        "error_field": error_field,
        "addresses": addresses,
        "chips": [] if error else chips(filters, addresses),
        "choices": await call(request, _choices),
        "windows": WINDOW_LABELS,
        "outcomes": OUTCOME_LABELS,
        "outcome_words": {value: gettext(label) for value, label in OUTCOME_LABELS.items()},
        "record_url": lambda event: record_url(request, event.entity_type, event.entity_id),
    }
    fragment = is_htmx(request) and request.headers.get("hx-history-restore-request") != "true"
    # htmx swaps an answer of 400 into the action panel: the trail answers its own part.
    status = 400 if error and not fragment else 200
    template = "_audit_trail.html" if fragment else "audit_trail.html"
    response = render(request, template, status_code=status, as_page=not fragment, **context)
    response.headers["Vary"] = "HX-Request"  # the same address answers a page or its trail
    return response


def _choices(session: Any) -> dict[str, list[str]]:
    return {column: audit_trail.choices(session, column) for column in audit_trail.CHOICES}


def routes() -> list[Route]:
    return [Route("/{key:audit_key}/list", page, methods=["GET"], name="audit_trail")]
