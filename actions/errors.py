"""Refusals an operator can act on."""

from __future__ import annotations

from typing import Any

from admin.i18n import gettext


class Term(str):
    """A parameter that is itself a msgid (a state, a field label): translated on display,
    in the message context the msgid was marked with (`NC_`), if any."""

    context: str | None

    def __new__(cls, value: str) -> Term:
        term = super().__new__(cls, value)
        term.context = getattr(value, "context", None)
        return term


def _english(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value


def localised(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ", ".join(localised(v) for v in value)
    return gettext(value) if isinstance(value, Term) else value


class Refused(Exception):
    """The rule says no. `message` is an untranslated msgid with %(name)s parameters:
    the audit trail keeps it in English, the operator reads it in their language.
    `field` names the form field at fault, when there is one."""

    def __init__(self, message: str, *, field: str | None = None, **params: Any) -> None:
        english = {k: _english(v) for k, v in params.items()}
        super().__init__(message % english if params else message)
        self.msgid = message
        self.params = params
        self.field = field

    def translated(self) -> str:
        text = gettext(self.msgid)
        if not self.params:
            return text
        return text % {k: localised(v) for k, v in self.params.items()}


class Forbidden(Refused):
    """The acting operator's role may not run this action."""


class Conflict(Refused):
    """Someone else changed the record first; nothing was written."""


class Duplicate(Exception):
    """The same request was already carried out (a form submitted twice)."""

    def __init__(self, existing: Any) -> None:
        super().__init__("already done")
        self.existing = existing
