"""The side menu: the console's entries grouped by desk, in the order each desk works.

Every record view and every page of our own sits in exactly one group (`GROUPS`, by the
view's key or the page's address); a view that none names stops the console from starting,
so a new one cannot be forgotten. A group shows only the entries the operator may open, and
is not shown at all when there is none (starlette-admin asks `is_accessible`). The group
holding the page being shown is open, the others closed; on a page no group holds (home,
lookup results) every group is open. The groups are drawn by `_menu_group.html`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette_admin.contrib.sqla import Admin
from starlette_admin.views import BaseView, DropDown, Link

from admin.i18n import lazy_gettext
from views import (
    access_requests,
    appointments,
    duplicates,
    intake,
    knowledge,
    my_actions,
    register,
    supervision,
    ticket_open,
)
from views.base import SportelloModelView


@dataclass(frozen=True)
class Desk:
    """A group of the menu: its name (for tests and the page's ids), title, icon and
    entries, each a record view's key or a page's address."""

    name: str
    label: Any
    icon: str
    entries: tuple[str, ...]


GROUPS: tuple[Desk, ...] = (
    Desk(
        "members",
        lazy_gettext("Members and accounts"),
        "fa fa-users",
        (
            "members",
            "validation",
            "login_accounts",
            "/admin/register",
            "trainings",
            "enrollments",
            "organizations",
        ),
    ),
    Desk(
        "clients",
        lazy_gettext("Clients"),
        "fa fa-city",
        ("clients", "client_events", "/admin/intake", "/admin/duplicates"),
    ),
    Desk(
        "support",
        lazy_gettext("Support portal"),
        "fa fa-headset",
        (
            "tickets",
            "tickets_mine",
            "tickets_unassigned",
            "tickets_overdue",
            "/admin/tickets/open",
            "access_requests",
            "/admin/portal",
            "knowledge",
            "/admin/kb",
        ),
    ),
    Desk(
        "appointments",
        lazy_gettext("Appointments"),
        "fa fa-calendar-days",
        (
            "campaigns",
            "appointments",
            "agents",
            "unavailabilities",
            "/admin/appointments/report",
        ),
    ),
    Desk(
        "supervision",
        lazy_gettext("Supervision"),
        "fa fa-user-shield",
        (
            "/admin/supervision",
            "/admin/review",
            "audit",
            "/admin/mine",
            "outbox",
            "operators",
        ),
    ),
)


class PageLink(Link):
    """A menu entry to a page of our own: shown to whom the page's own link is shown, and
    the entry open now while that page (or a page under it) is shown."""

    def __init__(self, link: Link) -> None:
        super().__init__(
            menu_label=link.menu_label, icon=link.icon, url=link.url, target=link.target
        )
        self.link = link

    def is_accessible(self, request: Request) -> bool:
        return self.link.is_accessible(request)

    def is_active(self, request: Request) -> bool:
        path = request.url.path
        return path == self.url or path.startswith(self.url + "/")


class MenuGroup(DropDown):
    """A desk's group of the menu. Open when it holds the page being shown, or when no
    group does."""

    def __init__(self, desk: Desk, views: Sequence[BaseView]) -> None:
        super().__init__(desk.label, views=list(views), icon=desk.icon, always_open=False)
        self.name = desk.name
        self.siblings: tuple[MenuGroup, ...] = ()

    def is_open(self, request: Request) -> bool:
        if self.is_active(request):
            return True
        return not any(group.is_active(request) for group in self.siblings)


def pages() -> list[Link]:
    """The links to the console's own pages (not record lists)."""
    return [
        register.menu_link(),
        intake.menu_link(),
        duplicates.menu_link(),
        knowledge.menu_link(),
        ticket_open.menu_link(),
        access_requests.menu_link(),
        appointments.report_link(),
        supervision.dashboard_link(),
        supervision.review_link(),
        my_actions.menu_link(),
    ]


def entry_name(view: BaseView) -> str:
    """What `GROUPS` calls an entry: a record view's key, a page's address."""
    return str(view.url) if isinstance(view, Link) else str(getattr(view, "key", None))


def grouped(views: Sequence[BaseView]) -> list[MenuGroup]:
    """`views` in their groups, in each group's order. A view that no group names, or two
    views of the same name, are refused."""
    by_name: dict[str, BaseView] = {}
    for view in views:
        name = entry_name(view)
        if name in by_name:
            raise ValueError(f"two menu entries are called {name!r}")
        by_name[name] = view
    groups = [
        MenuGroup(desk, [by_name.pop(entry) for entry in desk.entries if entry in by_name])
        for desk in GROUPS
    ]
    if by_name:
        raise ValueError(
            f"no menu group holds {sorted(by_name)!r}: add them to views/menu.py GROUPS"
        )
    for group in groups:
        group.siblings = tuple(groups)
    return [group for group in groups if group.views]


def register_views(admin: Admin, views: Sequence[SportelloModelView]) -> None:
    """Add the record views and the links to the console's own pages to `admin`'s menu,
    grouped by desk."""
    entries: list[BaseView] = [*views, *(PageLink(link) for link in pages())]
    for group in grouped(entries):
        admin.add_view(group)
    for view in views:
        # starlette-admin wires only a view added on its own to the admin's event bus.
        if view.key is not None:
            admin.events._register_view(view.key, view.events)
