"""Refusals an operator can act on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from admin.i18n import format_when, gettext


class Term(str):
    """A parameter that is itself a msgid (a state, a field label): translated on display,
    in the message context the msgid was marked with (`NC_`), if any."""

    context: str | None

    def __new__(cls, value: str) -> Term:
        term = super().__new__(cls, value)
        term.context = getattr(value, "context", None)
        return term


@dataclass(frozen=True)
class Moment:
    """A day or a time of day as a parameter: the audit keeps its English form
    (`2026-12-07`, `18:02`), the operator reads it as their language writes it."""

    value: dt.date | dt.time
    english: str
    style: str = "short"

    def __str__(self) -> str:
        return self.english


def day(value: dt.date) -> Moment:
    """A day: `2026-12-07` in the audit, `7 dic 2026` for an Italian operator."""
    return Moment(value, value.isoformat(), "medium")


def clock(value: dt.datetime, *, seconds: bool = False) -> Moment:
    """The time of day of `value`, on its own clock: `18:02` (`18:02:15` with seconds)."""
    english = value.strftime("%H:%M:%S" if seconds else "%H:%M")
    return Moment(value.time(), english, "medium" if seconds else "short")


def _english(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value


def localised(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ", ".join(localised(v) for v in value)
    if isinstance(value, Moment):
        return format_when(value.value, value.style)
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
