"""An operator's own trail: what I did today, with outcomes."""

from __future__ import annotations

from starlette.routing import Route
from starlette_admin.views import Link

from admin.i18n import lazy_gettext
from views.fragments import operator_link


def menu_link() -> Link:
    return operator_link(
        lazy_gettext("My recent actions"), "fa fa-clock-rotate-left", "/admin/mine"
    )


def routes() -> list[Route]:
    return []
