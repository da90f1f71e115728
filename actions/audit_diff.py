"""An audit event's before and after, read as a change: the fields that changed, old → new.

Secrets never show: a value the trail stored masked stays `***`, and a field whose name
says it holds a secret is masked even if an older event kept it in clear, at any depth of
a nested value. A secret changed is shown as changed (`***` → `***`): the trail records a
column only when it changed, and two masked values look alike.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from actions.audit import MASK

SECRET_WORDS = ("password", "pin", "secret", "token", "hash", "code_digest")
_ABSENT = object()
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class FieldChange:
    """One field: its value before (None: none) and after (None: none), and its label (the
    field's name unless the record's page names it)."""

    field: str
    before: Any
    after: Any
    was_set: bool
    is_set: bool
    label: str = ""

    @property
    def added(self) -> bool:
        return not self.was_set

    @property
    def removed(self) -> bool:
        return not self.is_set

    @property
    def name(self) -> str:
        return self.label or self.field

    @property
    def before_text(self) -> str:
        return shown_text(self.before)

    @property
    def after_text(self) -> str:
        return shown_text(self.after)

    @property
    def before_moment(self) -> dt.date | None:
        return moment(self.before)

    @property
    def after_moment(self) -> dt.date | None:
        return moment(self.after)

    @property
    def structured(self) -> bool:
        """A list or a mapping on either side: read best laid out over several lines."""
        return isinstance(self.before, list | dict) or isinstance(self.after, list | dict)


def is_secret(field: str) -> bool:
    name = field.lower()
    return any(word in name.split("_") or name.endswith(word) for word in SECRET_WORDS)


def masked(field: str, value: Any) -> Any:
    """`value` with every secret in it masked: the whole of it when `field` names a secret,
    else the secrets among the keys of a nested mapping."""
    if value is _ABSENT or value is None:
        return value
    if is_secret(field):
        return MASK
    if isinstance(value, Mapping):
        return {str(k): masked(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [masked("", v) for v in value]
    return value


def shown_text(value: Any) -> str:
    """A value as the page writes it: lists and mappings as indented JSON, the rest as is."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, bool):
        return json.dumps(value)
    return str(value)


def moment(value: Any) -> dt.date | None:
    """A date or a date and time the trail wrote as ISO text (`2026-12-07T22:48:20+00:00`),
    for the page to write as the operator's language does; None for anything else."""
    if not isinstance(value, str) or not _ISO_DAY.match(value) or len(value) > 40:
        return None
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def _empty(value: Any) -> bool:
    return value is None or value is _ABSENT


def _changed(old: Any, new: Any) -> bool:
    if _empty(old) and _empty(new):
        return False  # no value on either side: a creation's empty field, say
    if old != new:
        return True
    # Both masked: a secret the trail recorded as changed (it records changed columns only).
    return bool(old == MASK)


def _fields(values: Any) -> Mapping[str, Any]:
    """An event's values by field; anything else (a row edited by hand to hold a list, say)
    as one field named `value`."""
    if values is None or values == {}:
        return {}
    return values if isinstance(values, Mapping) else {"value": values}


def diff(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    labels: Mapping[str, Any] | None = None,
) -> list[FieldChange]:
    """The changed fields in a stable order: those of `before` first, then new ones.
    `labels` names fields as the record's page does (`first_name` → "First name")."""
    before, after, labels = _fields(before), _fields(after), labels or {}
    fields = [*before, *(name for name in after if name not in before)]
    changes = []
    for name in fields:
        old, new = before.get(name, _ABSENT), after.get(name, _ABSENT)
        if not _changed(old, new):
            continue
        changes.append(
            FieldChange(
                name,
                None if old is _ABSENT else masked(name, old),
                None if new is _ABSENT else masked(name, new),
                old is not _ABSENT,
                new is not _ABSENT,
                str(labels.get(name, "")),
            )
        )
    return changes


def fields_of(
    values: Mapping[str, Any] | None, labels: Mapping[str, Any] | None = None
) -> list[FieldChange]:
    """A record's values as fields (a deleted record's snapshot), empty ones included,
    secrets masked: each one as a change from nothing."""
    labels = labels or {}
    return [
        FieldChange(name, None, masked(name, value), False, True, str(labels.get(name, "")))
        for name, value in _fields(values).items()
    ]
