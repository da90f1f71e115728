"""List searches and text filters take what was typed literally: `%` and `_` are
characters, not wildcards."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, cast, not_, or_
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
from starlette_admin.contrib.sqla import filters as sqla_filters
from starlette_admin.fields import BaseField
from starlette_admin.filters import FilterApplyContext, filters
from starlette_admin.filters.base import BaseFilter

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


def _column(ctx: FilterApplyContext) -> Any:
    return getattr(getattr(ctx.view, "model", None), ctx.field_name)


def _like(ctx: FilterApplyContext, before: str, after: str) -> ColumnElement[bool]:
    result: ColumnElement[bool] = cast(_column(ctx), String).ilike(
        f"{before}{like_literal(str(ctx.value))}{after}", escape=ESCAPE
    )
    return result


class LiteralContains(sqla_filters.ContainsFilter):
    def apply(self, ctx: FilterApplyContext) -> Any:
        return _like(ctx, "%", "%")


class LiteralNotContains(sqla_filters.NotContainsFilter):
    def apply(self, ctx: FilterApplyContext) -> Any:
        return not_(_like(ctx, "%", "%"))


class LiteralStartsWith(sqla_filters.StartsWithFilter):
    def apply(self, ctx: FilterApplyContext) -> Any:
        return _like(ctx, "", "%")


class LiteralEndsWith(sqla_filters.EndsWithFilter):
    def apply(self, ctx: FilterApplyContext) -> Any:
        return _like(ctx, "%", "")


LITERAL: dict[type[BaseFilter], type[BaseFilter]] = {
    sqla_filters.ContainsFilter: LiteralContains,
    sqla_filters.NotContainsFilter: LiteralNotContains,
    sqla_filters.StartsWithFilter: LiteralStartsWith,
    sqla_filters.EndsWithFilter: LiteralEndsWith,
}


class LiteralFilterRegistry(sqla_filters.SqlaFilterRegistry):
    """starlette-admin's list filters, the text ones taking `%` and `_` literally."""

    @filters(StringField)
    def string_filters(self, field: BaseField) -> list[type[BaseFilter]]:
        return [_literal(f) for f in super().string_filters(field)]

    @filters(TextAreaField)
    def textarea_filters(self, field: BaseField) -> list[type[BaseFilter]]:
        return [_literal(f) for f in super().textarea_filters(field)]


def _literal(kind: type[BaseFilter]) -> type[BaseFilter]:
    return LITERAL.get(kind, kind)
