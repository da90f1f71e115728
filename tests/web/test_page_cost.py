"""What a page does not redo on every request: the URL of every named route comes from the
route found once, and is the URL starlette itself builds; a static file's or a record page's
URL is the one starlette-admin builds, at every address; the side menu is the one
starlette-admin renders for each operator, language and page; templates are not checked for changes unless
asked."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine
from starlette.requests import Request
from starlette.routing import BaseRoute, Mount, NoMatchFound, Route, Router
from starlette.testclient import TestClient
from starlette_admin import helpers
from starlette_admin.types import RequestAction

from admin.app import build_app
from tests.conftest import Personas, log_in, settings_for
from views.rendering import (
    RouteIndex,
    record_page_url,
    reload_templates,
    remembered_static_url,
)


def named_routes(routes: Sequence[BaseRoute], prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    for route in routes:
        if isinstance(route, Route) and route.name:
            yield prefix + route.name, set(route.param_convertors)
        elif isinstance(route, Mount):
            if route.name and not route.routes:
                yield prefix + route.name, {"path"}
            inner = f"{prefix}{route.name}:" if route.name else prefix
            yield from named_routes(route.routes, inner)


def starlette_answer(router: Router, name: str, params: dict[str, Any]) -> str:
    try:
        url = Router.url_path_for(router, name, **params)
    except (NoMatchFound, AssertionError, ValueError) as refused:
        return type(refused).__name__
    return f"{url.protocol} {url}"


def indexed_answer(index: RouteIndex, name: str, params: dict[str, Any]) -> str:
    try:
        url = index.url_path_for(name, **params)
    except (NoMatchFound, AssertionError, ValueError) as refused:
        return type(refused).__name__
    return f"{url.protocol} {url}"


def test_every_named_route_has_the_url_starlette_builds(app: Any) -> None:
    routes = list(named_routes(app.router.routes))
    index = RouteIndex(app.router)
    assert len(routes) > 30 and ("admin:detail", {"key"}) in routes

    for name, params in routes:
        for value in ("7", "members", "a/b", ""):
            values = {p: value for p in params}
            for _twice in range(2):  # the first answer finds the route, the second reuses it
                assert indexed_answer(index, name, dict(values)) == starlette_answer(
                    app.router, name, dict(values)
                ), (name, values)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("admin:detail", {}),
        ("admin:detail", {"key": "members", "pk": "1"}),
        ("admin:do", {"key": "members", "pk": "1"}),
        ("admin:nowhere", {"key": "members"}),
        ("nowhere", {}),
        ("admin:static", {"path": "css/x.css", "v": "1"}),
    ],
)
def test_a_name_or_parameters_no_route_has_are_refused_the_same_way(
    app: Any, name: str, params: dict[str, Any]
) -> None:
    index = RouteIndex(app.router)

    with pytest.raises(NoMatchFound):
        index.url_path_for(name, **params)
    with pytest.raises(NoMatchFound):
        Router.url_path_for(app.router, name, **params)


def test_pages_use_the_index(app: Any) -> None:
    assert app.router.url_path_for("admin:list", key="members") == "/admin/members/list"
    assert isinstance(getattr(app.router.url_path_for, "__self__", None), RouteIndex)


def test_templates_are_checked_for_changes_only_when_asked(app: Any) -> None:
    assert app.state.templates.env.auto_reload is False
    assert reload_templates({"SPORTELLO_RELOAD_TEMPLATES": "1"}) is True
    assert reload_templates({}) is False


def request_at(app: Any, base: str, query: bytes = b"") -> Request:
    parts = urlsplit(base)
    return Request(
        {
            "type": "http",
            "method": "GET",
            "scheme": parts.scheme,
            "server": (parts.hostname, parts.port),
            "path": "/admin/members/list",
            "root_path": "",
            "query_string": query,
            "headers": [(b"host", parts.netloc.encode())],
            "app": app.state.admin.app,
            "router": app.router,
        }
    )


def test_a_static_files_url_is_the_one_starlette_admin_builds_at_each_address(app: Any) -> None:
    remembered = remembered_static_url(helpers.static_url)

    for base in ("http://testserver", "https://desk.example.org:8443", "http://testserver"):
        request = request_at(app, base)
        for path, v in (("css/main.css", None), ("js/list.js", "1.0"), ("a b.css", "a&b=c")):
            expected = helpers.static_url(request, path, v)
            assert expected.startswith(base + "/admin/static/")
            assert remembered(request, path, v) == expected
    assert remembered(request_at(app, "http://testserver"), "x.css", ["unhashable"]) == (
        helpers.static_url(request_at(app, "http://testserver"), "x.css", ["unhashable"])
    )


@pytest.mark.parametrize("action", ["detail", "edit"])
def test_a_records_page_url_is_the_one_starlette_admin_builds(app: Any, action: str) -> None:
    original = getattr(helpers, f"{action}_url")
    fast = record_page_url(action, original)
    for query in (b"", b"page=2&sort=name__asc", b"_origin=%2Fadmin%2Fmembers%2Flist%3Fq%3Da+b"):
        for request_action in (RequestAction.LIST, RequestAction.DETAIL, RequestAction.EDIT):
            for override in (None, "/admin/members/list?page=3"):
                request = request_at(app, "https://desk.example.org:8443", query)
                request.state.action = request_action
                if override:
                    request.state.origin_override = override
                for key in ("members", "organizations"):
                    for pk in (7, "12", "a b", "x&y=z", "é/%", ""):
                        assert fast(request, key, pk) == original(request, key, pk)


def test_the_side_menu_is_the_one_starlette_admin_renders_for_each_operator_and_page(
    database_url: str, engine: Engine, personas: Personas
) -> None:
    remembered = build_app(settings_for(database_url), engine=engine)
    rendered = build_app(settings_for(database_url), engine=engine)
    rendered.state.templates.env.globals["sidebar_menu"] = lambda request, user, views, render: (
        render()
    )
    pages = ["/admin/members/list", "/admin/organizations/list", "/admin/", "/admin/intake"]
    pages += ["/admin/members/detail?pk=1", "/admin/audit/list", "/admin/lookup/go?q=zzzz"]

    with TestClient(remembered) as fast, TestClient(rendered) as slow:
        for who, language in (("olivia", "en"), ("ada", "it"), ("sam", "en"), ("olivia", "it")):
            for client in (fast, slow):
                client.cookies.clear()
                log_in(client, who)
                client.cookies.set("language", language)
            for page in pages:
                menus = [
                    str(BeautifulSoup(c.get(page).text, "html.parser").select_one("#sidebar-menu"))
                    for c in (fast, slow)
                ]
                assert menus[0] == menus[1], (who, language, page)
                assert "nav-link" in menus[0], (who, page)
    with TestClient(remembered) as anonymous:  # nobody signed in: no menu is kept
        assert anonymous.get("/admin/login").status_code == 200
