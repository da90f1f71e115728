"""What every Sportello ModelView shares: role checks, no silent deletion, htmx row actions."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import anyio.to_thread
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette_admin import BaseField, EnumField, HasOne
from starlette_admin.contrib.sqla import ModelView
from starlette_admin.exceptions import FormValidationError
from starlette_admin.filters import FilterGroup, FilterRegistry
from starlette_admin.types import ListParams, RequestAction

from actions.errors import Refused
from actions.spreadsheet import safe_cell
from admin.auth import has_role
from admin.i18n import _
from models import Role
from views.exports import export_formats
from views.form_checks import (
    CONFLICT,
    VersionField,
    already_used,
    check_form,
    lock_unversioned,
    parse_pk,
    row_version,
)
from views.fragments import RowAction
from views.search import LiteralFilterRegistry, any_field_contains


@dataclass
class StateField(EnumField):
    """A state shown as a badge; `tr:has([data-state=pending])` paints the row yellow."""

    labels: dict[str, str] = field(default_factory=dict)
    list_template: str = "fields/state.html"
    detail_template: str = "fields/state.html"

    async def serialize_value(self, request: Request, value: Any) -> Any:
        return getattr(value, "value", value)


LAST_PAGE = 2**31  # rows past this offset are never listed
LONGEST_SEARCH = 200  # characters of a list search


def version_field() -> VersionField:
    """Carries the row's version through the edit form (optimistic locking)."""
    return VersionField("version")


class SportelloModelView(ModelView):
    minimum_role: ClassVar[Role] = Role.OPERATOR
    edit_role: ClassVar[Role | None] = Role.OPERATOR
    create_role: ClassVar[Role | None] = Role.OPERATOR
    export_role: ClassVar[Role | None] = Role.SUPERVISOR
    htmx_row_actions: ClassVar[list[RowAction]] = []
    # Field -> check from actions/ (checks a typed value, returns it normalised or refuses).
    checks: ClassVar[dict[str, Callable[[str, dict[str, Any]], str]]] = {}
    row_click_navigate = False
    exporters = export_formats()

    def __init__(self) -> None:
        if self.edit_role is not None and not any(isinstance(f, VersionField) for f in self.fields):
            # Every form that edits a record refuses to overwrite a colleague's change.
            self.fields = [*self.fields, version_field()]
        super().__init__(self.model)

    async def find_by_pk(self, request: Request, pk: Any) -> Any:
        """An id that is not a number the id column can hold names no record."""
        number = parse_pk(self.model, pk)
        return None if number is None else await super().find_by_pk(request, number)

    async def find_by_pks(self, request: Request, pks: list[Any]) -> Sequence[Any]:
        numbers = [n for n in (parse_pk(self.model, pk) for pk in pks) if n is not None]
        return await super().find_by_pks(request, numbers) if numbers else []

    def _parse_list_params(
        self, request: Request, query_params: QueryParams | None = None
    ) -> ListParams:
        """A page number past any list the database can count shows an empty last page; a
        search longer than any stored value searches its first characters."""
        params = super()._parse_list_params(request, query_params)
        params.page = min(params.page, LAST_PAGE // max(params.page_size, 1))
        params.q = params.q[:LONGEST_SEARCH] if params.q else params.q
        return params

    async def find_all(
        self,
        request: Request,
        skip: int = 0,
        limit: int = 100,
        q: str | None = None,
        sorts: Sequence[tuple[str, str]] | None = None,
        filters: FilterGroup | None = None,
    ) -> Sequence[Any]:
        """Every list and picker: an offset the database can hold, a search it can run."""
        skip = min(max(skip, 0), LAST_PAGE * 100)
        q = q[:LONGEST_SEARCH] if q else q
        return await super().find_all(request, skip, limit, q, sorts, filters)

    async def count(
        self, request: Request, q: str | None = None, filters: FilterGroup | None = None
    ) -> int:
        return await super().count(request, q[:LONGEST_SEARCH] if q else q, filters)

    async def _checked(self, request: Request, data: dict[str, Any], pk: Any = None) -> None:
        """Refuse values the database cannot hold, before they reach it."""
        fields: list[BaseField] = list(self.get_fields_list(request))
        errors = check_form(self.model, fields, await request.form(), data)
        for name, value in data.items():
            if value == "":
                data[name] = None  # an emptied box means "no value", not an empty string
        taken = await anyio.to_thread.run_sync(
            functools.partial(
                already_used, request.state.session, self.model, data, parse_pk(self.model, pk)
            )
        )
        for name in taken:
            errors.setdefault(name, _("Another record already has this value."))
        for one in fields:
            chosen = data.get(one.name)
            if (
                isinstance(one, HasOne)
                and not one.read_only
                and chosen not in (None, "")
                and await self._find_foreign_view(str(one.key)).find_by_pk(request, chosen) is None
            ):
                errors.setdefault(one.name, _("Choose from the list."))
        if errors:
            raise FormValidationError(errors)

    async def create(self, request: Request, data: dict[str, Any]) -> Any:
        await self._checked(request, data)
        return await super().create(request, data)

    def is_accessible(self, request: Request) -> bool:
        return has_role(request, self.minimum_role)

    def can_create(self, request: Request) -> bool:
        return self.create_role is not None and has_role(request, self.create_role)

    def can_edit(self, request: Request) -> bool:
        return self.edit_role is not None and has_role(request, self.edit_role)

    def can_delete(self, request: Request) -> bool:
        # Records are never deleted from a list: deletion is a deliberate action of its own.
        return False

    def can_export(self, request: Request) -> bool:
        return self.export_role is not None and has_role(request, self.export_role)

    def can_import(self, request: Request) -> bool:
        return False

    def get_search_query(self, request: Request, term: str) -> Any:
        """The list search, with `%` and `_` taken as the characters typed."""
        return any_field_contains(self.model, self.get_fields_list(request), term)

    def get_filter_registry(self) -> FilterRegistry:
        """starlette-admin's list filters; the text ones take `%` and `_` literally."""
        return LiteralFilterRegistry()

    async def serialize_field_value(self, value: Any, field: BaseField, request: Request) -> Any:
        """Every export, in every format, writes texts a spreadsheet would run as text."""
        serialized = await super().serialize_field_value(value, field, request)
        if request.state.action == RequestAction.EXPORT:
            return safe_cell(serialized)
        return serialized

    async def validate(self, request: Request, data: dict[str, Any]) -> None:
        """starlette-admin's form hook: every checked field is normalised or refused with
        the reason, in the operator's language; the form keeps what was typed."""
        errors: dict[str | int, Any] = {}
        for name, check in self.checks.items():
            value = data.get(name)
            if value in (None, ""):
                continue
            try:
                data[name] = check(str(value), data)
            except Refused as refusal:
                errors[name] = refusal.translated()
        if errors:
            raise FormValidationError(errors)

    async def edit(self, request: Request, pk: Any, data: dict[str, Any]) -> Any:
        """Refuse to overwrite a change someone else saved since the form was opened."""
        await self._checked(request, data, pk)
        current = await self.find_by_pk(request, pk)
        if current is not None and "version" in data:
            await lock_unversioned(request.state.session, current)
            started_from = data["version"]
            if started_from != row_version(current):
                raise FormValidationError({"version": _(CONFLICT)})
            # The mapper increments a version column, never the form.
            data["version"] = getattr(current, "version", started_from)
        return await super().edit(request, pk, data)

    def row_action(self, name: str) -> RowAction | None:
        return next((a for a in self.htmx_row_actions if a.name == name), None)
