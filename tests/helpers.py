"""Small assertions and builders shared by tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions import tickets
from actions.context import Actor
from models import (
    AccountState,
    AuditEvent,
    LoginAccount,
    Organization,
    OutboxMessage,
    Ticket,
    TicketSource,
)
from tests.conftest import make_member


def fresh(session: Session) -> Session:
    """End the test session's transaction, so it sees what the console committed since
    (a SQLite reader keeps the snapshot of its transaction's first read)."""
    session.commit()
    return session


def events(session: Session, action: str | None = None) -> list[AuditEvent]:
    fresh(session)
    query = select(AuditEvent).order_by(AuditEvent.seq)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return list(session.scalars(query))


def last_event(session: Session, action: str) -> AuditEvent:
    found = events(session, action)
    assert found, f"no audit event {action}"
    return found[-1]


def outbox(session: Session) -> list[OutboxMessage]:
    fresh(session)
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def make_library(session: Session, **overrides: object) -> Organization:
    """A Dutch library with an ISIL, so its card numbers make usernames."""
    values: dict[str, object] = {
        "name": "Bibliotheek",
        "company_code": "BIB",
        "country": "NL",
        "language": "en",
        "isil": "NL-1234AB",
    }
    org = Organization(**(values | overrides))
    session.add(org)
    session.commit()
    return org


def make_account(
    session: Session, org: Organization, username: str, **values: object
) -> LoginAccount:
    """An active login account for anne@example.nl unless `values` say otherwise."""
    defaults: dict[str, object] = {
        "login_email": "anne@example.nl",
        "state": AccountState.ACTIVE,
    }
    account = LoginAccount(organization=org, username=username, **(defaults | values))
    session.add(account)
    session.commit()
    return account


def open_cedolino(
    session: Session, actor: Actor, now: dt.datetime | None = None, **opening: Any
) -> Ticket:
    """Anna Verdi's ticket "Cedolino" (it does not print), opened by an operator, saved."""
    ticket = tickets.open_ticket(
        session,
        actor,
        tickets.Opening(
            subject="Cedolino",
            description="Non stampa",
            requester_name="Anna Verdi",
            requester_email="anna@example.it",
            source=TicketSource.OPERATOR,
            **opening,
        ),
        now=now,
    )
    session.commit()
    return ticket


def mrossi_account(session: Session, organization: Organization, **member: Any) -> LoginAccount:
    """Mario Rossi (tests.conftest.make_member, with `member`'s values) and his login account
    mrossi."""
    owner = make_member(session, organization, **member)
    return make_account(session, organization, "mrossi", member=owner)
