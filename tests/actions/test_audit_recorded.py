"""What a transaction recorded: the events an outcome can name, and none that the database
does not keep."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.audit import audited, main_event, recorded
from actions.context import Actor
from actions.errors import Refused
from models import AuditEvent, Organization, Outcome


def _organization(session: Session, name: str = "Cooperativa Verdi") -> Organization:
    org = Organization(name=name, company_code=name[:5].upper())
    session.add(org)
    session.commit()
    return org


def test_an_action_names_the_event_it_wrote(session: Session, olivia: Actor) -> None:
    org = _organization(session)

    with audited(session, olivia, "organization.rename", org):
        org.name = "Cooperativa Rossi"

    written = session.get(AuditEvent, main_event(session).id)  # type: ignore[union-attr]
    assert written is not None and written.action == "organization.rename"
    session.commit()
    assert [e.id for e in recorded(session)] == [written.id]  # still readable after the commit


def test_an_action_inside_another_is_named_before_it(session: Session, olivia: Actor) -> None:
    org = _organization(session)

    with audited(session, olivia, "organization.outer", org):
        with audited(session, olivia, "organization.inner", org):
            org.name = "Inner"
        org.company_code = "OUTER"

    inner, outer = recorded(session)
    assert session.get(AuditEvent, inner.id).action == "organization.inner"  # type: ignore[union-attr]
    last = session.get(AuditEvent, outer.id)
    assert last is not None and last.action == "organization.outer"
    assert last.after == {"company_code": "OUTER"}  # the outer scope kept its own change
    assert main_event(session) == outer


def test_a_refusal_is_named_and_what_it_rolled_back_is_not(session: Session, olivia: Actor) -> None:
    org = _organization(session)

    with pytest.raises(Refused), audited(session, olivia, "organization.outer", org):
        with audited(session, olivia, "organization.inner", org):
            org.name = "Inner"
        raise Refused("no")

    [refusal] = recorded(session)
    assert refusal.outcome == Outcome.REFUSED
    assert main_event(session) is None
    assert main_event(session, Outcome.REFUSED) == refusal
    session.commit()
    assert session.get(AuditEvent, refusal.id).action == "organization.outer"  # type: ignore[union-attr]


def test_a_transaction_rolled_back_names_nothing(session: Session, olivia: Actor) -> None:
    org = _organization(session)
    with audited(session, olivia, "organization.rename", org):
        org.name = "Gone"

    session.rollback()

    assert recorded(session) == []


def test_the_next_transaction_starts_with_nothing_recorded(session: Session, olivia: Actor) -> None:
    org = _organization(session)
    with audited(session, olivia, "organization.rename", org):
        org.name = "Kept"
    session.commit()

    session.scalar(select(Organization.name))  # begins the next transaction

    assert recorded(session) == []
