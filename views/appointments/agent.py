"""Agents (seed 003) and the days they take no appointment: "Declare unavailable" at least
8 days ahead, and the list of what was declared."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette_admin import DateField, DateTimeField, HasOne, IntegerField, StringField

from actions import appointments
from actions.errors import Refused
from admin.i18n import N_, lazy_gettext
from models import Agent, Role, Unavailability
from views.base import SportelloModelView
from views.fragments import FormRowActions, RowAction, call


class AgentView(FormRowActions, SportelloModelView):
    model = Agent
    key = "agents"
    display_name = lazy_gettext("Agent")
    menu_label = lazy_gettext("Agents")
    icon = "fa fa-user-tie"
    action_template = "agent_action_form.html"
    subject = "agent"
    create_role = Role.SUPERVISOR
    edit_role = Role.SUPERVISOR
    fields = [
        IntegerField("id", label=lazy_gettext("No.")),
        StringField("name", label=lazy_gettext("Agent"), required=True, maxlength=200),
        StringField("zone", label=lazy_gettext("Zone"), required=True, maxlength=80),
        HasOne("campaign", key="campaigns", label=lazy_gettext("Campaign"), required=True),
    ]
    exclude_fields_from_create = ["id"]
    # An agent's appointments count for its campaign: it does not move to another one.
    exclude_fields_from_edit = ["id", "campaign"]
    searchable_fields = ["name", "zone", "campaign"]
    sortable_fields = ["id", "name", "zone"]
    fields_default_sort = ["name"]
    htmx_row_actions = [
        RowAction(
            "unavailable",
            lazy_gettext("Declare unavailable"),
            "fa fa-calendar-xmark",
            "unavailable",
        )
    ]

    async def _context(self, request: Request, pk: int, action: str) -> dict[str, Any]:
        def load(db: Session) -> tuple[Agent | None, str]:
            agent = db.get(Agent, pk)
            if agent is None:
                return None, ""
            now = dt.datetime.now(dt.UTC)
            return agent, appointments.earliest_unavailable_day(agent.campaign, now).isoformat()

        agent, earliest = await call(request, load)
        if agent is None:
            raise Refused(N_("This agent no longer exists."))
        return {"view": self, "agent": agent, "action": action, "earliest": earliest}

    def _params(self, obj: Any) -> dict[str, Any]:
        return {"agent": obj.name}

    async def unavailable_form(self, request: Request, pk: int) -> Response:
        return await self._form(request, pk, "unavailable")

    async def unavailable_submit(self, request: Request, pk: int) -> Response:
        def run(db: Session, who: Any, values: dict[str, str]) -> Unavailability:
            return appointments.declare_unavailability(
                db, who, pk, values.get("day", ""), values.get("reason", "")
            )

        return await self._perform(
            request, pk, "unavailable", run, N_("%(agent)s's unavailability is recorded.")
        )


class UnavailabilityView(SportelloModelView):
    model = Unavailability
    key = "unavailabilities"
    display_name = lazy_gettext("Unavailability")
    menu_label = lazy_gettext("Unavailabilities")
    icon = "fa fa-calendar-xmark"
    create_role = None  # declared through "Declare unavailable" on the agent
    edit_role = None
    fields = [
        IntegerField("id", label=lazy_gettext("No.")),
        HasOne("agent", key="agents", label=lazy_gettext("Agent")),
        DateField("day", label=lazy_gettext("Day")),
        StringField("reason", label=lazy_gettext("Reason")),
        DateTimeField("declared_at", label=lazy_gettext("Declared")),
        StringField("declared_by", label=lazy_gettext("Declared by")),
    ]
    searchable_fields = ["agent", "reason"]
    sortable_fields = ["id", "day", "declared_at"]
    fields_default_sort = [("day", True)]
