"""An audit event's before and after, read as a change: the fields that changed, old → new.

Secrets never show: a value the trail stored masked stays `***`, and a field whose name
says it holds a secret is masked even if an older event kept it in clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from actions.audit import MASK

SECRET_WORDS = ("password", "pin", "secret", "token", "hash", "code_digest")
_ABSENT = object()


@dataclass(frozen=True)
class FieldChange:
    """One field: its value before (None: none) and after (None: none)."""

    field: str
    before: Any
    after: Any
    was_set: bool
    is_set: bool

    @property
    def added(self) -> bool:
        return not self.was_set

    @property
    def removed(self) -> bool:
        return not self.is_set


def is_secret(field: str) -> bool:
    name = field.lower()
    return any(word in name.split("_") or name.endswith(word) for word in SECRET_WORDS)


def _shown(field: str, value: Any) -> Any:
    if value is _ABSENT or value is None:
        return value
    return MASK if is_secret(field) else value


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[FieldChange]:
    """The changed fields in a stable order: those of `before` first, then new ones."""
    before, after = before or {}, after or {}
    fields = [*before, *(name for name in after if name not in before)]
    changes = []
    for name in fields:
        old, new = before.get(name, _ABSENT), after.get(name, _ABSENT)
        if old == new:
            continue
        changes.append(
            FieldChange(
                name,
                None if old is _ABSENT else _shown(name, old),
                None if new is _ABSENT else _shown(name, new),
                old is not _ABSENT,
                new is not _ABSENT,
            )
        )
    return changes
