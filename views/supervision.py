"""What deserves a supervisor's look: the dashboard and the review queue of risky actions."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route
from starlette_admin.views import Link

from admin.auth import has_role
from admin.i18n import lazy_gettext
from models import Role


class SupervisorLink(Link):
    """A menu entry to a page for supervisors and administrators."""

    def is_accessible(self, request: Request) -> bool:
        return has_role(request, Role.SUPERVISOR)


def dashboard_link() -> Link:
    return SupervisorLink(
        menu_label=lazy_gettext("Dashboard"), icon="fa fa-chart-line", url="/admin/supervision"
    )


def review_link() -> Link:
    return SupervisorLink(
        menu_label=lazy_gettext("Review queue"), icon="fa fa-list-check", url="/admin/review"
    )


def routes() -> list[Route]:
    return []
