"""Idempotent demo data: what a newcomer, QA and a reviewer first see."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from admin.demo.appointments import add_campaigns
from admin.demo.clients import add_clients
from admin.demo.knowledge import add_articles
from admin.demo.members import (
    PIN_MEMBER,
    add_accounts,
    add_members,
    add_organizations,
    add_pin_account,
    demo_tax_code,
)
from admin.demo.operators import ACTOR, add_operators
from admin.demo.support_portal import PORTAL_COMPANIES, add_portal_companies, add_tickets
from admin.demo.trainings import add_trainings
from admin.settings import DATA_DIR

__all__ = [
    "PIN_MEMBER",
    "PORTAL_COMPANIES",
    "DemoReport",
    "demo_password",
    "demo_tax_code",
    "load_demo_data",
]


@dataclass
class DemoReport:
    password: str
    created: dict[str, int] = field(default_factory=dict)


def demo_password() -> str:
    """SPORTELLO_DEMO_PASSWORD, or one generated once and kept in data/."""
    if os.environ.get("SPORTELLO_DEMO_PASSWORD"):
        return os.environ["SPORTELLO_DEMO_PASSWORD"]
    path = DATA_DIR / "demo_password"
    if path.exists():
        return path.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    path.write_text(password)
    path.chmod(0o600)
    return password


def load_demo_data(session: Session, password: str, members: int = 60) -> DemoReport:
    session.info["actor"] = ACTOR
    report = DemoReport(password)
    report.created["operators"] = add_operators(session, password)
    organizations, report.created["organizations"] = add_organizations(session)
    session.flush()
    report.created["members"] = add_members(session, organizations, members)
    session.flush()
    report.created["login accounts"] = add_accounts(session, organizations[2]) + add_pin_account(
        session, organizations[0]
    )
    report.created["clients"] = add_clients(session)
    report.created["trainings"] = add_trainings(session)
    report.created["articles"] = add_articles(session)
    report.created["portal companies"] = add_portal_companies(session, password)
    report.created["tickets"] = add_tickets(session)
    report.created["campaigns"] = add_campaigns(session)
    return report
