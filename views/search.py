"""List searches take what was typed literally: `%` and `_` are characters, not wildcards."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, cast, or_
from sqlalchemy.sql.elements import ColumnElement
from starlette_admin import (
    ColorField,
    EmailField,
    EnumField,
    PhoneField,
    SlugField,
    StringField,
    TextAreaField,
    URLField,
)
from starlette_admin.fields import BaseField

ESCAPE = "\\"
# The field types starlette-admin searches as text.
TEXT_FIELDS = (
    StringField,
    SlugField,
    TextAreaField,
    EmailField,
    URLField,
    PhoneField,
    ColorField,
    EnumField,
)


def like_literal(text: str) -> str:
    """`text` for a LIKE pattern, its wildcards and the escape character escaped."""
    return text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")


def contains(column: Any, text: str) -> ColumnElement[bool]:
    """`column` contains `text`, in any case, every character taken literally."""
    result: ColumnElement[bool] = cast(column, String).ilike(
        f"%{like_literal(text)}%", escape=ESCAPE
    )
    return result


def any_field_contains(model: Any, fields: Sequence[BaseField], text: str) -> ColumnElement[bool]:
    """One of the searchable text fields contains `text` (starlette-admin's search, literal)."""
    return or_(
        *(
            contains(getattr(model, f.name), text)
            for f in fields
            if f.searchable and type(f) in TEXT_FIELDS
        )
    )
