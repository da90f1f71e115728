"""What a page costs to render: everything that does not change between requests is worked
out once per process.

- Templates are not checked for changes on every render (Jinja's `auto_reload`) unless
  `SPORTELLO_RELOAD_TEMPLATES` is set, for someone editing them on a running console.
- A URL is built from the route found the first time a name is asked for with those
  parameter names: starlette tries every route in turn, and each one that does not match
  raises and catches an exception (a list page asks for hundreds of URLs).
- The URL of a static file is worked out once for each address the console is reached at;
  a record's page URL in a template has its query written once.
- A related record in a list row is serialized as what the row shows of it: its name and
  key (`LinkedHasOne`).
- The side menu of a signed-in operator is rendered once per language, address, entries the
  operator may open and entry open now.
- Loaded templates are kept in a plain dict (Jinja's default LRU cache reorders a list on
  every `include`, several per cell of a list).
- A template's globals answer "which names do you have" without walking the chain of
  mappings name by name (Jinja asks it each time a template imports a macro, which
  starlette-admin's field templates do for every cell of a list).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections import ChainMap
from collections.abc import Callable, KeysView, MutableMapping, Sequence
from typing import Any, cast
from urllib.parse import urlencode

from jinja2 import Environment
from markupsafe import Markup
from starlette.datastructures import URLPath
from starlette.requests import Request
from starlette.routing import BaseRoute, Mount, Route, Router, replace_params
from starlette_admin import DropDown, HasOne, helpers
from starlette_admin.helpers import _carry_origin as carry_origin
from starlette_admin.i18n import get_locale
from starlette_admin.types import RequestAction

from views.fragments import row_action_buttons

RELOAD_TEMPLATES = "SPORTELLO_RELOAD_TEMPLATES"


def reload_templates(env: MutableMapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    return env.get(RELOAD_TEMPLATES, "").lower() in {"1", "true", "yes", "on"}


class TemplateGlobals(ChainMap[str, Any]):
    """A template's globals over the environment's (Jinja's own ChainMap, whose key view is
    a real dict view: `set - keys()` runs at C speed)."""

    def keys(self) -> KeysView[str]:
        merged: dict[str, Any] = {}
        for mapping in reversed(self.maps):
            merged.update(mapping)
        return merged.keys()


class LinkedHasOne(HasOne):
    """A has-one relation that lists and record pages show as the related record's name
    linked to its page: only its key and its name are serialized for them, not every field
    of the related record. Forms and exports get starlette-admin's own value."""

    async def serialize_value(self, request: Request, value: Any) -> Any:
        action = request.state.action
        if self._view is None or action.is_form() or action == RequestAction.EXPORT:
            return await super().serialize_value(request, value)
        view = self._view._find_foreign_view(str(self.key))
        return {
            str(view.pk_attr): await view.get_serialized_pk_value(request, value),
            "_meta": {"repr": await view.repr(value, request)},
        }


STATIC_URLS_KEPT = 4096


def remembered_static_url(static_url: Callable[..., str]) -> Callable[..., str]:
    """starlette-admin's `static_url(request, path, v)`, remembered for each address the
    console is reached at: a page links a dozen files that never move."""
    known: dict[tuple[str, str, Any], str] = {}

    def url(request: Request, path: str, v: Any = None) -> str:
        key = (str(request.base_url), path, v)
        try:
            return known[key]
        except (KeyError, TypeError):
            answer = static_url(request, path, v)
        if len(known) < STATIC_URLS_KEPT:
            with contextlib.suppress(TypeError):
                known[key] = answer
        return answer

    return url


# A URL made only of these characters reads back unchanged (urllib drops or moves others).
PLAIN_URL = re.compile(r"[A-Za-z0-9._~:/@!$&'()*+,;=%-]+")


RECORD_PAGES_KNOWN = "sportello.record_pages"


def record_page_url(action: str, original: Callable[..., str]) -> Callable[..., str]:
    """starlette-admin's `detail_url`/`edit_url(request, key, pk)` (`action` is "detail" or
    "edit"): the same address, with its query (`pk`, and `_origin` when there is one) written
    once instead of parsed and written again for each parameter."""

    def url(request: Request, key: str, pk: Any) -> str:
        # The page's address and the origin it carries are the same for every row of a
        # request: found once per request (its scope) and view.
        known = request.scope.setdefault(RECORD_PAGES_KNOWN, {})
        found = known.get((action, key))
        if found is None:
            base = str(request.url_for(f"{request.app.state.ROUTE_NAME}:{action}", key=key))
            found = known[action, key] = (
                (base, carry_origin(request)) if PLAIN_URL.fullmatch(base) else (None, None)
            )
        base, origin = found
        if base is None:
            return original(request, key, pk)
        query = [("pk", str(pk))]
        if origin:
            query.append(("_origin", origin))
        return f"{base}?{urlencode(query)}"

    return url


MENUS_KEPT = 512


def menu_entries(views: Sequence[Any]) -> list[Any]:
    """The menu's entries, each drop-down's opened in its place."""
    entries: list[Any] = []
    for view in views:
        if isinstance(view, DropDown):
            entries.extend(menu_entries(view.views))
        else:
            entries.append(view)
    return entries


def remembered_menu() -> Callable[..., Markup]:
    """starlette-admin's side menu (its layout's block `sidebar_menu`), for an operator who is
    signed in, rendered once for each language, address, set of entries the operator may open
    and entry open now, groups opened: what the block reads (a group is shown, and open,
    according to its entries). For nobody signed in (it then holds the request's CSRF token)
    the menu is rendered every time."""
    known: dict[tuple[Any, ...], Markup] = {}

    def menu(
        request: Request, signed_in: Any, views: Sequence[Any], render: Callable[[], Markup]
    ) -> Markup:
        if signed_in is None:
            return render()
        entries = menu_entries(views)
        key = (
            get_locale(),
            str(request.base_url),
            tuple(view.is_accessible(request) for view in entries),
            tuple(view.is_active(request) for view in entries),
        )
        try:
            return known[key]
        except KeyError:
            html = render()
        if len(known) < MENUS_KEPT:
            known[key] = html
        return html

    return menu


# starlette-admin's `detail_url` and `edit_url`, as `record_page_url` writes them (templates
# and the View/Edit row actions).
RECORD_PAGE = {
    action: record_page_url(action, getattr(helpers, f"{action}_url"))
    for action in ("detail", "edit")
}


def install(env: Environment, *, reload: bool = False) -> None:
    """Set up `env` for serving: no reload checks (unless `reload`), cheap globals."""
    env.auto_reload = reload
    env.globals["row_action_buttons"] = row_action_buttons
    env.globals["static_url"] = remembered_static_url(cast(Any, env.globals["static_url"]))
    env.globals["sidebar_menu"] = remembered_menu()
    env.globals["detail_url"] = RECORD_PAGE["detail"]
    env.globals["edit_url"] = RECORD_PAGE["edit"]

    def make_globals(d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return TemplateGlobals({} if d is None else d, env.globals)

    env.make_globals = make_globals  # type: ignore[method-assign]
    # The console's templates are a fixed set of files: all of them stay loaded, in a plain
    # dict, without the LRU bookkeeping Jinja's default cache does on every include. A
    # template loaded before gets the new globals too.
    env.cache = {}


Builder = Callable[[dict[str, Any]], URLPath]


class RouteIndex:
    """`Router.url_path_for` that remembers which route answers a name with a given set of
    parameter names, and builds the URL from that route alone. The answer is the same as
    starlette's: routes are tried in the same order with the same rules, and the URL is
    built by the same `replace_params` with the route's own convertors. A route kind it does
    not know (a `Host`, a subclass) before the answer leaves the name to starlette."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self.original = router.url_path_for
        self.found: dict[tuple[str, frozenset[str]], Builder | None] = {}

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        key = (name, frozenset(path_params))
        try:
            build = self.found[key]
        except KeyError:
            build = self.found[key] = _find(self.router.routes, name, key[1])
        if build is None or ("path" in path_params and path_params["path"] is None):
            return self.original(name, **path_params)
        return build(path_params)


class _Unknown(Exception):
    """A route whose rules this index does not reproduce."""


def _find(routes: Sequence[BaseRoute], name: str, params: frozenset[str]) -> Builder | None:
    try:
        return _first(routes, name, params)
    except _Unknown:
        return None


def _first(routes: Sequence[BaseRoute], name: str, params: frozenset[str]) -> Builder | None:
    for route in routes:
        found = _one(route, name, params)
        if found is not None:
            return found
    return None


def _one(route: BaseRoute, name: str, params: frozenset[str]) -> Builder | None:
    if type(route) is Route:
        if name != route.name or params != set(route.param_convertors):
            return None
        return _leaf(route)
    if type(route) is not Mount or set(route.param_convertors) != {"path"}:
        raise _Unknown
    if route.name is not None and name == route.name and "path" in params:
        return _named_mount(route) if params == {"path"} else None
    if route.name is not None and not name.startswith(route.name + ":"):
        return None
    child = _first(
        route.routes, name if route.name is None else name[len(route.name) + 1 :], params
    )
    return None if child is None else _mounted(route, child)


def _leaf(route: Route) -> Builder:
    def build(path_params: dict[str, Any]) -> URLPath:
        path, remaining = replace_params(route.path_format, route.param_convertors, path_params)
        assert not remaining
        return URLPath(path=path, protocol="http")

    return build


def _named_mount(mount: Mount) -> Builder:
    def build(path_params: dict[str, Any]) -> URLPath:
        path_params["path"] = path_params["path"].lstrip("/")
        path, _remaining = replace_params(mount.path_format, mount.param_convertors, path_params)
        return URLPath(path=path)

    return build


def _mounted(mount: Mount, child: Builder) -> Builder:
    prefix = replace_params(mount.path_format, mount.param_convertors, {"path": ""})[0].rstrip("/")

    def build(path_params: dict[str, Any]) -> URLPath:
        url = child(path_params)
        return URLPath(path=prefix + str(url), protocol=url.protocol)

    return build


def index_routes(router: Router) -> RouteIndex:
    """Answer `request.url_for` from `router` (the application's) through a `RouteIndex`."""
    index = RouteIndex(router)
    router.url_path_for = index.url_path_for  # type: ignore[method-assign]
    return index
