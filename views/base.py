"""What every Sportello ModelView shares: role checks, no silent deletion, htmx row actions."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import anyio.to_thread
from babel.numbers import format_decimal
from sqlalchemy import Select, func, select
from sqlalchemy.orm import ColumnProperty
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette_admin import BaseField, DateTimeField, EnumField, HasOne
from starlette_admin.contrib.sqla import ModelView
from starlette_admin.exceptions import FormValidationError
from starlette_admin.filters import FilterGroup, FilterRegistry
from starlette_admin.i18n import get_locale
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
from views.labels import Labelled, name_the_outcome
from views.rendering import RECORD_PAGE
from views.search import (
    LiteralFilterRegistry,
    SearchKey,
    any_field_contains,
    keys_start_with,
    search_keys_for,
)


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
COUNT_CAP = 10_000  # a list counts its rows up to this many, then says "more than"
CAPPED_ACTIONS = (RequestAction.LIST, RequestAction.RELATION_LOOKUP)
PROBED_PER_PAGE_ROW = 50  # a probe of 20,000 rows serves a search's first 400 rows


@dataclass(frozen=True)
class ListCount:
    """What a list page knows of its total: `total` exactly, or only that there are more
    than `total` rows (`exact` false)."""

    total: int
    exact: bool = True

    def label(self, number: int | None = None) -> str:
        """The total (or `number`) as the operator's language writes numbers ("10.000" in
        Italian)."""
        return format_decimal(self.total if number is None else number, locale=get_locale())


@dataclass(frozen=True)
class _Window:
    """The page `find_all` just read, for the count that follows it in the same request."""

    view: str
    q: str | None
    filters: Any
    skip: int
    shown: int
    more: bool  # at least one row follows the page
    counted: int | None  # the capped count read with the page


def version_field() -> VersionField:
    """Carries the row's version through the edit form (optimistic locking)."""
    return VersionField("version")


# starlette-admin's date pickers show "February 2, 1951" in every language ("février 2,
# 1951" in French); the console writes the day first, as its four languages do.
DAY_FIRST = {"F j, Y": "j F Y", "F j, Y  H:i:S": "j F Y H:i"}


def _day_first(field_: BaseField) -> None:
    if isinstance(field_, DateTimeField) and field_.form_alt_format in DAY_FIRST:
        field_.form_alt_format = DAY_FIRST[field_.form_alt_format]


class SportelloModelView(Labelled, ModelView):
    minimum_role: ClassVar[Role] = Role.OPERATOR
    edit_role: ClassVar[Role | None] = Role.OPERATOR
    create_role: ClassVar[Role | None] = Role.OPERATOR
    export_role: ClassVar[Role | None] = Role.SUPERVISOR
    htmx_row_actions: ClassVar[list[RowAction]] = []
    # Field -> check from actions/ (checks a typed value, returns it normalised or refuses).
    checks: ClassVar[dict[str, Callable[[str, dict[str, Any]], str]]] = {}
    row_click_navigate = False
    exporters = export_formats()
    # A list page counts at most this many rows (None: every row).
    count_cap: ClassVar[int | None] = COUNT_CAP
    # What the list search matches the start of; None: the model's keys (views/search.py),
    # and where it has none, every searchable text field contains what was typed.
    search_keys: ClassVar[list[SearchKey] | None] = None
    # A search first looks for its page among this many rows at the top of the list (0: no).
    search_probe: ClassVar[int] = 0

    def __init__(self) -> None:
        if self.edit_role is not None and not any(isinstance(f, VersionField) for f in self.fields):
            # Every form that edits a record refuses to overwrite a colleague's change.
            self.fields = [*self.fields, version_field()]
        super().__init__(self.model)
        for field_ in self.fields:
            _day_first(field_)

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
        """Every list and picker: an offset the database can hold, a search it can run, and
        a page at any depth read cheaply. The ids of the page come first, in the list's
        order with the id last (one total order, so pages never overlap), from an index
        alone where the order has one; then the rows of those ids, with what they show.
        A page within the cap also brings its list's capped count, in the same statement."""
        skip = min(max(skip, 0), LAST_PAGE * 100)
        q = q[:LONGEST_SEARCH] if q else q
        base = self._ids_query(request)
        if base is None:
            return await super().find_all(request, skip, limit, q, sorts, filters)
        matching = await self._apply_search_and_filters(request, base, q, filters)
        pk_name = str(self.pk_attr)
        sorts = list(sorts or [])
        if not any(name == pk_name for name, _ in sorts):
            sorts.append((pk_name, "desc" if sorts and sorts[-1][1] == "desc" else "asc"))
        cap = self._cap(request)
        counting = cap is not None and limit > 0 and skip + limit < cap

        def paged(query: Any) -> Any:
            query = query.offset(skip)
            if limit > 0:
                query = query.limit(limit + 1)  # one more: is there a next page?
            if counting:
                query = query.add_columns(self._capped_count(matching, cap or 0))
            return query

        session = request.state.session
        found: Sequence[Any] = []
        probe = None
        # Only for the first pages: a deep page of a search is rarely among the probed rows.
        if q and limit > 0 and skip + limit < self.search_probe // PROBED_PER_PAGE_ROW:
            unsearched = await self._apply_search_and_filters(request, base, None, filters)
            searched = await self.build_full_text_search_query(request, q, self.model)
            probe = self._probe(request, unsearched, searched, sorts)
        if probe is not None:
            found = (await anyio.to_thread.run_sync(session.execute, paged(probe))).all()
        if probe is None or len(found) <= limit:  # no probe, or it saw too few that match
            ids_query = self._found_first(matching, sorts) if q else None
            if ids_query is None:
                ids_query = self.build_order_clauses(request, sorts, matching)
            found = (await anyio.to_thread.run_sync(session.execute, paged(ids_query))).all()
        ids = [row[0] for row in found]
        more = limit > 0 and len(ids) > limit
        ids = ids[:limit] if limit > 0 else ids
        counted = found[0][1] if counting and found else None
        request.state.list_window = _Window(
            str(self.key), q, filters, skip, len(ids), more, counted
        )
        if not ids:
            return []
        rows = await super().find_by_pks(request, ids)
        position = {pk_value: i for i, pk_value in enumerate(ids)}
        return sorted(rows, key=lambda row: position[getattr(row, pk_name)])

    def _ids_query(self, request: Request) -> Select[Any] | None:
        """The list's ids with the list's own conditions, or None when the list reads more
        than its own table (its rows are then read as starlette-admin reads them)."""
        if isinstance(self._pk_column, tuple):
            return None
        ids = self.get_list_query(request).with_only_columns(self._pk_column).order_by(None)
        return ids if ids.get_final_froms() == [self.model.__table__] else None

    async def count(
        self, request: Request, q: str | None = None, filters: FilterGroup | None = None
    ) -> int:
        """A list page counts its rows up to `count_cap`, then knows only that there are
        more (what it shows: "more than 10,000"); an export and the rest count every row.
        A page that is the list's last knows the total without counting."""
        q = q[:LONGEST_SEARCH] if q else q
        cap = self._cap(request)
        matching = self._ids_query(request)
        if cap is None or matching is None:
            total = await super().count(request, q, filters)
            request.state.list_count = ListCount(total)
            return total
        known = self._known_count(request, q, filters, cap)
        if known is None:
            # A page past the end counts as far as it is deep: how many pages there are.
            window = getattr(request.state, "list_window", None)
            cap = max(cap, window.skip if isinstance(window, _Window) else 0)
            matching = await self._apply_search_and_filters(request, matching, q, filters)
            session = request.state.session
            capped = select(self._capped_count(matching, cap))
            total = (await anyio.to_thread.run_sync(session.execute, capped)).scalar_one()
            known = ListCount(total) if total <= cap else ListCount(cap, exact=False)
        request.state.list_count = known
        # starlette-admin's pages and pickers see one row more than is known: a next page.
        return known.total if known.exact else known.total + 1

    def _sort_columns(self, sorts: list[tuple[str, str]]) -> list[Any] | None:
        columns: list[Any] = []
        for name, _direction in sorts:
            column = self.sortable_field_mapping.get(name, getattr(self.model, name, None))
            if not isinstance(getattr(column, "property", None), ColumnProperty):
                return None
            columns.append(column)
        return columns

    def _probe(
        self, request: Request, unsearched: Select[Any], searched: Any, sorts: list[tuple[str, str]]
    ) -> Any:
        """A search's ids among the first `search_probe` rows of the list, in its order:
        enough when what is searched for is common all along the list (an operator, an
        action in the audit trail). The rows are read in order from the list's index; a page
        the probe cannot fill is searched again, matches first."""
        columns = self._sort_columns(sorts)
        if columns is None:
            return None
        labelled = [c.label(f"sort_{i}") for i, c in enumerate(columns)]
        recent = (
            self.build_order_clauses(
                request, sorts, unsearched.add_columns(*labelled, searched.label("hit"))
            )
            .limit(self.search_probe)
            .cte("recent")
            .prefix_with("MATERIALIZED")
        )
        order = [
            recent.c[f"sort_{i}"].desc() if direction == "desc" else recent.c[f"sort_{i}"]
            for i, (_, direction) in enumerate(sorts)
        ]
        return select(recent.c[0]).where(recent.c.hit).order_by(*order)

    def _found_first(self, matching: Select[Any], sorts: list[tuple[str, str]]) -> Any:
        """A search's ids: the matching rows first (from the search's indexes), then sorted.
        Left to itself, a database may walk the list's order index and test every row
        against the search, which reads most of the table when the matches sort late
        (PostgreSQL did, for "ros": 850,000 rows). None when a sort is not a column."""
        columns = self._sort_columns(sorts)
        if columns is None:
            return None
        found = (
            matching.add_columns(*(c.label(f"sort_{i}") for i, c in enumerate(columns)))
            .cte("found")
            .prefix_with("MATERIALIZED")
        )
        order = [
            found.c[f"sort_{i}"].desc() if direction == "desc" else found.c[f"sort_{i}"]
            for i, (_, direction) in enumerate(sorts)
        ]
        return select(found.c[0]).order_by(*order)

    def _cap(self, request: Request) -> int | None:
        """The count cap of this request: list pages and pickers only, not exports."""
        if getattr(request.state, "action", None) not in CAPPED_ACTIONS:
            return None
        return self.count_cap

    @staticmethod
    def _capped_count(matching: Select[Any], cap: int) -> Any:
        """How many rows match, counted up to one past `cap` (then: more than `cap`)."""
        return (
            select(func.count()).select_from(matching.limit(cap + 1).subquery()).scalar_subquery()
        )

    def _known_count(
        self, request: Request, q: str | None, filters: Any, cap: int
    ) -> ListCount | None:
        window = getattr(request.state, "list_window", None)
        if not isinstance(window, _Window) or (window.view, window.q, window.filters) != (
            self.key,
            q,
            filters,
        ):
            return None
        if window.counted is not None:
            return ListCount(window.counted) if window.counted <= cap else ListCount(cap, False)
        if not window.more and (window.shown or not window.skip):
            return ListCount(window.skip + window.shown)  # the last page: the total
        if window.more and window.skip + window.shown >= cap:
            return ListCount(window.skip + window.shown, exact=False)  # deep: more than here
        return None

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
        created = await super().create(request, data)
        name_the_outcome(request, created, "added")
        return created

    async def delete(self, request: Request, pks: list[Any]) -> int | None:
        for gone in await self.find_by_pks(request, pks):
            name_the_outcome(request, gone, "deleted")
        return await super().delete(request, pks)

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

    async def build_full_text_search_query(self, request: Request, term: str, model: Any) -> Any:
        """A list with search keys matches the start of one of them, on its index (see
        views/search.py); other lists search with `get_search_query`."""
        keys = self.search_keys if self.search_keys is not None else search_keys_for(self.model)
        if keys:
            return keys_start_with(keys, term)
        return self.get_search_query(request, term)

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
        edited = await super().edit(request, pk, data)
        name_the_outcome(request, edited, "changed")
        return edited

    def row_action_1_view(self, request: Request, pk: Any) -> str:
        """starlette-admin's "View" row action, its address written at once."""
        return RECORD_PAGE["detail"](request, str(self.key), pk)

    def row_action_2_edit(self, request: Request, pk: Any) -> str:
        """starlette-admin's "Edit" row action, its address written at once."""
        return RECORD_PAGE["edit"](request, str(self.key), pk)

    # The same actions as starlette-admin's (name, label, icon); only the address is faster.
    row_action_1_view._row_action = ModelView.row_action_1_view._row_action  # type: ignore[attr-defined]
    row_action_2_edit._row_action = ModelView.row_action_2_edit._row_action  # type: ignore[attr-defined]

    def row_action(self, name: str) -> RowAction | None:
        return next((a for a in self.htmx_row_actions if a.name == name), None)
