"""List filters starlette-admin lacks: "is one of" over a relation (an organisation)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute
from starlette.requests import Request
from starlette_admin.filters import FilterApplyContext, FilterValidationError
from starlette_admin.filters.enum import InFilter

from admin.i18n import lazy_gettext


def relation_in(
    foreign_key: InstrumentedAttribute[Any], target: Any, label: str = "name"
) -> type[InFilter]:
    """A filter `foreign_key IN (ids)` whose picker lists the target rows by `label`."""

    class RelationInFilter(InFilter):
        def parse_value(self, raw: Any) -> list[str]:
            values = super().parse_value(raw)
            if not all(value.isdecimal() for value in values):
                raise FilterValidationError(lazy_gettext("Choose from the list."))
            return values

        def get_choices(self, request: Request) -> Sequence[tuple[Any, str]]:
            rows = request.state.session.scalars(select(target).order_by(getattr(target, label)))
            return [(row.id, getattr(row, label)) for row in rows]

        def apply(self, ctx: FilterApplyContext) -> Any:
            return foreign_key.in_([int(value) for value in ctx.value])

    return RelationInFilter
