"""The side menu: which entries the console offers, in which order."""

from __future__ import annotations

from collections.abc import Sequence

from starlette_admin.contrib.sqla import Admin

from views import (
    access_requests,
    appointments,
    duplicates,
    intake,
    knowledge,
    register,
    ticket_open,
)
from views.base import SportelloModelView


def register_views(admin: Admin, views: Sequence[SportelloModelView]) -> None:
    """Add the record views and the links to the console's own pages to `admin`'s menu."""
    for view in views:
        admin.add_view(view)
    admin.add_view(register.menu_link())
    admin.add_view(intake.menu_link())
    admin.add_view(duplicates.menu_link())
    admin.add_view(knowledge.menu_link())
    admin.add_view(ticket_open.menu_link())
    admin.add_view(access_requests.menu_link())
    admin.add_view(appointments.report_link())
