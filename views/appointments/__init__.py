"""Appointment campaigns (seed 003): campaigns and their page, agents and their
unavailabilities, appointments and their row actions, and the reports. The composition root
(admin/app.py) takes the views, `routes()`, `report_link()` and `campaign_counters` from
here."""

from __future__ import annotations

from starlette.routing import Route

from views.appointments import campaign_page, report
from views.appointments.agent import AgentView, UnavailabilityView
from views.appointments.appointment import AppointmentView
from views.appointments.campaign import CampaignView, campaign_counters
from views.appointments.report import report_link

__all__ = [
    "AgentView",
    "AppointmentView",
    "CampaignView",
    "UnavailabilityView",
    "campaign_counters",
    "report_link",
    "routes",
]


def routes() -> list[Route]:
    return [*campaign_page.routes(), *report.routes()]
