"""The side menu, grouped by desk: what each role sees, which group is open, and that every
view and page of the console sits in exactly one group."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from markupsafe import Markup
from starlette.requests import Request
from starlette.testclient import TestClient

from admin.auth import OperatorUser
from models import Member
from tests.conftest import Personas, log_in
from views.audit import AuditView
from views.menu import GROUPS, MenuGroup, PageLink, entry_name, grouped, pages
from views.operators import OperatorView
from views.rendering import menu_entries, remembered_menu

MEMBERS = [
    "Members",
    "Validation queue",
    "Login accounts",
    "Register a caller",
    "Trainings",
    "Enrolments",
    "Organisations",
]
CLIENTS = ["Clients", "Client events", "Record a request", "Duplicate clients"]
SUPPORT = [
    "Tickets",
    "My tickets",
    "Unassigned tickets",
    "Overdue tickets",
    "Open a ticket",
    "Access requests",
    "Support portal requests",
    "Knowledge base",
    "Knowledge base search",
]
APPOINTMENTS = ["Campaigns", "Appointments", "Agents", "Unavailabilities", "Appointment reports"]
DESKS = {
    "members": ("Members and accounts", MEMBERS),
    "clients": ("Clients", CLIENTS),
    "support": ("Support portal", SUPPORT),
    "appointments": ("Appointments", APPOINTMENTS),
}
SUPERVISION = {
    "olivia": ["My recent actions", "Outbox"],
    "sam": ["Dashboard", "Review queue", "Audit", "My recent actions", "Outbox"],
    "ada": ["Dashboard", "Review queue", "Audit", "My recent actions", "Outbox", "Operators"],
}


def menu_of(client: TestClient, path: str) -> dict[str, Tag]:
    response = client.get(path)
    assert response.status_code == 200, path
    soup = BeautifulSoup(response.text, "html.parser")
    menu = soup.select_one("#sidebar-menu")
    assert menu is not None
    return {
        str(group["data-testid"]).removeprefix("menu-group-"): group
        for group in menu.select("[data-testid^=menu-group-]")
    }


def entries(group: Tag) -> list[str]:
    return [a.get_text(" ", strip=True) for a in group.select("[data-testid=menu-entry]")]


def title(group: Tag) -> str:
    button = group.select_one("[data-testid=menu-toggle]")
    assert button is not None
    return button.get_text(" ", strip=True)


def is_open(group: Tag) -> bool:
    button = group.select_one("[data-testid=menu-toggle]")
    panel = group.select_one("[data-testid=menu-entries]")
    assert button is not None and panel is not None
    expanded = button["aria-expanded"] == "true"
    assert expanded == ("show" in panel.get("class", [])), "aria-expanded says what is shown"
    assert button["aria-controls"] == panel["id"]
    return expanded


@pytest.mark.parametrize("who", ["olivia", "sam", "ada"])
def test_each_role_sees_the_desks_and_the_entries_it_may_open(
    client: TestClient, personas: Personas, who: str
) -> None:
    log_in(client, who)

    groups = menu_of(client, "/admin/members/list")

    assert list(groups) == ["members", "clients", "support", "appointments", "supervision"]
    for name, (label, shown) in DESKS.items():
        assert title(groups[name]) == label
        assert entries(groups[name]) == shown
    assert title(groups["supervision"]) == "Supervision"
    assert entries(groups["supervision"]) == SUPERVISION[who]


def test_every_group_has_an_icon_and_a_button_that_names_it(
    client: TestClient, personas: Personas
) -> None:
    log_in(client, "ada")

    for group in menu_of(client, "/admin/").values():
        button = group.select_one("[data-testid=menu-toggle]")
        assert button is not None and button.name == "button" and button["type"] == "button"
        assert button.select_one("i[aria-hidden=true]") is not None


def test_an_operator_never_gets_a_link_to_a_page_kept_for_supervisors_or_admins(
    client: TestClient, personas: Personas
) -> None:
    log_in(client, "olivia")

    response = client.get("/admin/members/list")

    menu = BeautifulSoup(response.text, "html.parser").select_one("#sidebar-menu")
    assert menu is not None
    links = [str(a["href"]) for a in menu.select("a[href]")]
    assert not [link for link in links if "/audit/" in link or "/operators/" in link]


def request_of(role_of: Any) -> Request:
    request = Request({"type": "http", "method": "GET", "path": "/admin/", "headers": []})
    request.state.admin_user = OperatorUser(role_of)
    return request


def test_a_group_with_no_entry_the_operator_may_open_is_not_shown(personas: Personas) -> None:
    desk = next(desk for desk in GROUPS if desk.name == "supervision")
    group = MenuGroup(desk, [AuditView(), OperatorView()])

    assert not group.is_accessible(request_of(personas.operator))
    assert group.is_accessible(request_of(personas.supervisor))
    assert group.is_accessible(request_of(personas.admin))


@pytest.mark.parametrize(
    ("path", "open_group", "active"),
    [
        ("/admin/members/list", "members", "Members"),
        ("/admin/members/detail?pk={member}", "members", "Members"),
        ("/admin/register", "members", "Register a caller"),
        ("/admin/duplicates", "clients", "Duplicate clients"),
        ("/admin/intake", "clients", "Record a request"),
        ("/admin/tickets_overdue/list", "support", "Overdue tickets"),
        ("/admin/tickets/open", "support", "Open a ticket"),
        ("/admin/kb", "support", "Knowledge base search"),
        ("/admin/appointments/report", "appointments", "Appointment reports"),
        ("/admin/agents/list", "appointments", "Agents"),
        ("/admin/audit/list", "supervision", "Audit"),
        ("/admin/operators/list", "supervision", "Operators"),
    ],
)
def test_the_group_holding_the_page_is_open_and_the_others_closed(
    client: TestClient,
    personas: Personas,
    customer: Member,
    path: str,
    open_group: str,
    active: str,
) -> None:
    log_in(client, "ada")

    groups = menu_of(client, path.format(member=customer.id))

    assert [name for name, group in groups.items() if is_open(group)] == [open_group]
    current = [
        a.get_text(" ", strip=True) for a in groups[open_group].select("a[aria-current=page]")
    ]
    assert current == [active]


@pytest.mark.parametrize("path", ["/admin/", "/admin/lookup/go?q=zzzz"])
def test_on_a_page_no_group_holds_every_group_is_open(
    client: TestClient, personas: Personas, path: str
) -> None:
    log_in(client, "olivia")

    groups = menu_of(client, path)

    assert len(groups) == 5
    assert all(is_open(group) for group in groups.values())


def test_every_view_and_page_of_the_console_is_in_exactly_one_group(app: Any) -> None:
    admin = app.state.admin

    assert all(isinstance(view, MenuGroup) for view in admin._views)
    shown = menu_entries(admin._views)
    names = [entry_name(view) for view in shown]
    assert len(names) == len(set(names))
    assert {id(view) for view in shown} >= {id(view) for view in admin._model_views}
    assert {view.key for view in admin._model_views} == {
        view.key for view in shown if not isinstance(view, PageLink)
    }
    assert {link.url for link in pages()} == {
        view.url for view in shown if isinstance(view, PageLink)
    }
    assert sorted(names) == sorted(entry for desk in GROUPS for entry in desk.entries)


def test_a_view_no_group_names_stops_the_console_from_starting() -> None:
    class Stray:
        key = "stray"

    with pytest.raises(ValueError, match="stray"):
        grouped([Stray()])  # type: ignore[list-item]


def test_a_view_named_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="audit"):
        grouped([AuditView(), AuditView()])


def request_at(path: str, role_of: Any, **path_params: str) -> Request:
    scope = {
        "type": "http",
        "method": "GET",
        "scheme": "http",
        "server": ("testserver", 80),
        "root_path": "",
        "path": path,
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "path_params": path_params,
    }
    request = Request(scope)
    request.state.admin_user = OperatorUser(role_of)
    return request


def test_a_grouped_menu_is_rendered_once_per_role_and_entry_open_now(
    app: Any, personas: Personas
) -> None:
    views = app.state.admin._views
    menu = remembered_menu()
    renders: list[str] = []

    def render() -> Markup:
        renders.append("menu")
        return Markup("<ul>%s</ul>") % len(renders)

    def show(path: str, who: Any, **params: str) -> Markup:
        request = request_at(path, who, **params)
        return menu(request, request.state.admin_user, views, render)

    first = show("/admin/members/list", personas.operator, key="members")
    again = show("/admin/members/list", personas.operator, key="members")
    show("/admin/kb", personas.operator)
    show("/admin/members/list", personas.supervisor, key="members")
    show("/admin/kb", personas.operator)

    assert first == again
    assert len(renders) == 3
