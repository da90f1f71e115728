"""Records by name: what a list cell, a picker, a page title and the message after a save
call a record ("Mario Rossi (member 31)", never "Member(31)").

A model writes its own label (`label`, `heading` in models/); this module hands it the
operator's language at display time and puts the label where starlette-admin would put
"Member(31)": `repr` (related columns, pickers) and the message flashed after a save.
"""

from __future__ import annotations

from typing import Any

from markupsafe import escape
from starlette.requests import Request
from starlette_admin import i18n as sa_i18n

from admin.i18n import _, format_when, gettext
from models.base import Wording

# The operator's language: both functions read it when called, not when imported.
CONSOLE = Wording(gettext=gettext, when=format_when)

# starlette-admin's messages after a save (in its own catalog), and ours that name the record.
SAVED = {
    "added": 'The item "%(repr)s" was added successfully.',
    "changed": 'The item "%(repr)s" was changed successfully.',
    "deleted": 'The item "%(repr)s" was successfully deleted.',
}


def _ours(outcome: str) -> str:
    if outcome == "added":
        return _("%(label)s was added.")
    if outcome == "deleted":
        return _("%(label)s was deleted.")
    return _("%(label)s was changed.")


def label_of(obj: Any) -> str:
    """The record as a person reads it, in the operator's language."""
    label = getattr(obj, "label", None)
    return label(CONSOLE) if callable(label) else str(obj)


def heading_of(obj: Any) -> str:
    """The record's page title ("Mario Rossi")."""
    heading = getattr(obj, "heading", None)
    return heading(CONSOLE) if callable(heading) else label_of(obj)


class NamedOutcomes(list[dict[str, Any]]):
    """The messages flashed in a request, where starlette-admin's generic one after a save
    (`The item "…" was changed successfully`) is replaced by ours, which names the record
    ("Mario Rossi (member 22) was changed.")."""

    def __init__(self, messages: list[dict[str, Any]]) -> None:
        super().__init__(messages)
        self.renamed: dict[str, str] = {}

    def append(self, message: dict[str, Any]) -> None:
        text = message.get("message")
        if isinstance(text, str) and text in self.renamed:
            message = {**message, "message": self.renamed[text]}
        super().append(message)


def name_the_outcome(request: Request, obj: Any, outcome: str) -> None:
    """The message starlette-admin flashes next for `obj` ("added", "changed" or "deleted")
    names it by its label."""
    pending = getattr(request.state, "admin_flash_pending", None)
    if pending is None:
        return  # no flash messages in this request (not the admin's pages)
    if not isinstance(pending, NamedOutcomes):
        pending = request.state.admin_flash_pending = NamedOutcomes(pending)
    label = label_of(obj)
    generic = sa_i18n.gettext(SAVED[outcome]) % {"repr": label}
    pending.renamed[generic] = _ours(outcome) % {"label": label}


class Labelled:
    """starlette-admin's ways of naming a record, through the model's label."""

    async def repr(self, obj: Any, request: Request) -> str:
        return label_of(obj)

    async def select2_result(self, obj: Any, request: Request) -> str:
        return f"<span>{escape(label_of(obj))}</span>"

    def label(self, obj: Any) -> str:
        return label_of(obj)

    def heading(self, obj: Any) -> str:
        return heading_of(obj)
