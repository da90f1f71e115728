"""What a model form's typed values must be before they reach the database: ids and whole
numbers within their column's range, real dates, required values present, text within its
column's length. A value that fails is refused with the reason, and the form keeps it."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from sqlalchemy import BigInteger, Column, Date, DateTime, Integer, String, inspect, select
from sqlalchemy.orm import Mapper, Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette_admin import BaseField, DateField, DateTimeField, HasOne, IntegerField, StringField

from admin.i18n import N_, _

INT4 = (-(2**31), 2**31 - 1)
INT8 = (-(2**63), 2**63 - 1)
CONFLICT = N_(
    "Someone else changed this record while you were editing it. "
    "Reload the page to see their change, then make yours again."
)


def bounds(column: Any) -> tuple[int, int]:
    """The range a whole-number column holds on every supported database (PostgreSQL's
    int4/int8; SQLite holds int8 for both)."""
    return INT8 if isinstance(getattr(column, "type", None), BigInteger) else INT4


def whole_number(text: str, low: int, high: int) -> int | None:
    """`text` as a whole number within [low, high], or None."""
    text = text.strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits or not digits.isascii() or not digits.isdecimal() or len(digits) > 20:
        return None
    number = int(text)
    return number if low <= number <= high else None


def parse_pk(model: Any, value: Any) -> int | None:
    """An id from a URL or a form: a positive whole number the id column can hold."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    keys = inspect(model).primary_key
    return whole_number(value, 1, bounds(keys[0])[1] if len(keys) == 1 else INT8[1])


def fingerprint(obj: Any) -> str:
    """A row's version when it has no version column: a digest of every column's value."""
    mapper: Mapper[Any] = inspect(type(obj))
    values = [repr(getattr(obj, attr.key, None)) for attr in mapper.column_attrs]
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:20]


def row_version(obj: Any) -> str:
    mapper: Mapper[Any] = inspect(type(obj))
    if mapper.version_id_col is not None:
        return str(getattr(obj, "version", ""))
    return fingerprint(obj)


async def lock_unversioned(session: Session, obj: Any) -> None:
    """Read a row without a version column again under a row lock, so that two edits of it
    take turns and the second sees the first's change (PostgreSQL; SQLite serialises
    writers already)."""
    mapper: Mapper[Any] = inspect(type(obj))
    if mapper.version_id_col is None:
        key = mapper.primary_key[0]
        lock = select(key).where(key == getattr(obj, str(key.key))).with_for_update()

        def locked() -> None:
            session.execute(lock)
            session.refresh(obj)

        await anyio.to_thread.run_sync(locked)


@dataclass
class VersionField(StringField):
    """Carries the row's version through the edit form (optimistic locking): the version
    column where the row has one, otherwise a digest of the row as it was shown."""

    label: Any = ""
    form_template: str = "fields/version_form.html"
    exclude_from_list: bool = True
    exclude_from_detail: bool = True
    exclude_from_create: bool = True
    exclude_from_export: bool = True
    searchable: bool = False
    orderable: bool = False

    async def parse_obj(self, request: Request, obj: Any) -> Any:
        return row_version(obj)

    async def parse_form_data(self, request: Request, form_data: FormData) -> Any:
        raw = form_data.get(self.id)
        return raw if isinstance(raw, str) else ""


def _column(mapper: Mapper[Any], name: str) -> Column[Any] | None:
    attr = mapper.attrs.get(name)
    columns = getattr(attr, "columns", None)
    if columns:
        return columns[0] if isinstance(columns[0], Column) else None
    return None


def _required(mapper: Mapper[Any], field: BaseField) -> bool:
    """True when the database refuses the row without a value of this field."""
    if isinstance(field, HasOne):
        relation = mapper.relationships.get(field.name)
        local = list(relation.local_columns) if relation is not None else []
        return bool(local) and not any(c.nullable for c in local)
    column = _column(mapper, field.name)
    if column is None or column.nullable or column.primary_key:
        return False
    return column.default is None and column.server_default is None


def _typed_error(field: BaseField, column: Any, raw: str) -> str | None:
    """The reason a non-empty typed value cannot be stored, or None."""
    if isinstance(field, IntegerField) or isinstance(getattr(column, "type", None), Integer):
        low, high = bounds(column)
        if isinstance(field, IntegerField) and whole_number(raw, low, high) is None:
            return _("Enter a whole number between %(low)s and %(high)s.") % {
                "low": low,
                "high": high,
            }
    if isinstance(field, DateField) or isinstance(getattr(column, "type", None), Date):
        try:
            dt.date.fromisoformat(raw.strip())
        except ValueError:
            return _("Enter a real date, for example 2026-03-15.")
    elif isinstance(field, DateTimeField) or isinstance(getattr(column, "type", None), DateTime):
        try:
            dt.datetime.fromisoformat(raw.strip())
        except ValueError:
            return _("Enter a real date and time, for example 2026-03-15 09:30.")
    length = getattr(getattr(column, "type", None), "length", None)
    if isinstance(getattr(column, "type", None), String) and length and len(raw) > length:
        return _("Enter at most %(count)s characters.") % {"count": length}
    return None


def already_used(session: Session, model: Any, data: dict[str, Any], pk: int | None) -> list[str]:
    """Names of the fields whose value another record of a unique column already holds."""
    mapper: Mapper[Any] = inspect(model)
    key = mapper.primary_key[0]
    taken = []
    for name, value in data.items():
        column = _column(mapper, name)
        if column is None or not column.unique or value is None or isinstance(value, bool):
            continue
        query = select(key).where(column == value)
        if pk is not None:
            query = query.where(key != pk)
        if session.execute(query.limit(1)).first() is not None:
            taken.append(name)
    return taken


def check_form(
    model: Any, fields: list[BaseField], form: FormData, data: dict[str, Any]
) -> dict[str | int, Any]:
    """Errors by field name; a refused value is put back in `data` as it was typed."""
    mapper: Mapper[Any] = inspect(model)
    errors: dict[str | int, Any] = {}
    for field in fields:
        if field.read_only or field.name not in data or isinstance(field, VersionField):
            continue
        column = _column(mapper, field.name)
        raw = form.get(field.id)
        typed = raw.strip() if isinstance(raw, str) else ""
        if typed and "\x00" in typed:
            errors[field.name] = _("This value contains a character that cannot be stored.")
        elif typed and (reason := _typed_error(field, column, typed)) is not None:
            errors[field.name] = reason
        elif data.get(field.name) in (None, "") and _required(mapper, field):
            errors[field.name] = _("Fill in this field.")
        else:
            continue
        if not isinstance(field, HasOne):
            data[field.name] = raw if isinstance(raw, str) else None
    return errors
