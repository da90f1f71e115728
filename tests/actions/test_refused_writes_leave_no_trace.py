"""A write the database refuses inside a savepoint leaves nothing behind: no row, no audit
event for it, no message waiting in the session; what the same session writes next is
recorded exactly as it happened."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from actions.audit import audited
from actions.audit_chain import verify
from actions.context import Actor
from actions.errors import Duplicate
from actions.outbox import enqueue
from models import AuditEvent, Channel, Operator, Organization, OutboxMessage, Role
from tests.conftest import Personas
from tests.helpers import events
from tests.races import taken_right_after_the_check


def _a_second_operator_named(session: Session, username: str) -> None:
    """An insert the unique index on the username refuses, caught where it happens."""
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(
            Operator(username=username, display_name="Twin", password_hash="x", role=Role.OPERATOR)
        )


def _trail(session: Session, since: int) -> list[tuple[str, str | None]]:
    return [(e.action, e.entity_type) for e in events(session)[since:]]


def test_a_refused_insert_then_a_saved_one_records_only_the_saved_one(
    session: Session, personas: Personas
) -> None:
    since = len(events(session))

    _a_second_operator_named(session, personas.operator.username)
    session.add(Organization(name="Cooperativa Verdi", company_code="VERDI"))
    session.commit()

    assert _trail(session, since) == [("organization.create", "organization")]
    assert session.scalar(select(func.count()).select_from(Operator)) == 3
    assert verify(session).intact


def test_inside_an_action_a_refused_insert_is_not_folded_into_its_event(
    session: Session, personas: Personas, olivia: Actor
) -> None:
    since = len(events(session))

    with audited(session, olivia, "organization.found", ("organization", None)):
        _a_second_operator_named(session, personas.supervisor.username)
        session.add(Organization(name="Cooperativa Verdi", company_code="VERDI"))
    session.commit()

    assert _trail(session, since) == [("organization.found", "organization")]
    event = events(session)[-1]
    assert event.after is not None and event.after["name"] == "Cooperativa Verdi"
    assert "username" not in event.after


def test_a_refused_edit_rolled_back_with_its_transaction_leaves_no_event(
    session: Session, personas: Personas
) -> None:
    since = len(events(session))
    personas.operator.username = personas.supervisor.username
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()

    session.add(Organization(name="Cooperativa Verdi", company_code="VERDI"))
    session.commit()

    assert _trail(session, since) == [("organization.create", "organization")]


# --- the outbox's dedupe key -------------------------------------------------------------


def _queue(session: Session, recipient: str = "a@example.org") -> OutboxMessage:
    return enqueue(
        session, recipient=recipient, subject="s", body="b", caused_by="t", dedupe_key="form-1"
    )


def test_a_key_queued_by_another_session_at_the_same_moment_queues_one_message(
    session: Session, session_factory: sessionmaker[Session], personas: Personas
) -> None:
    since = len(events(session))
    landed = taken_right_after_the_check(
        session,
        session_factory,
        OutboxMessage,
        channel=Channel.EMAIL,
        recipient="first@example.org",
        subject="s",
        body="b",
        caused_by="t",
        dedupe_key="form-1",
        next_attempt_at=personas.operator.created_at,
    )
    session.add(Organization(name="Cooperativa Verdi", company_code="VERDI"))

    with pytest.raises(Duplicate) as duplicate:
        _queue(session, "second@example.org")
    refused = [m for m in session.new if isinstance(m, OutboxMessage)]
    session.add(Organization(name="Cooperativa Bianchi", company_code="BIANCHI"))
    session.commit()

    assert landed and refused == []
    assert duplicate.value.existing.recipient == "first@example.org"
    recipients = session.scalars(select(OutboxMessage.recipient)).all()
    assert recipients == ["first@example.org"]
    assert _trail(session, since) == [("organization.create", "organization")] * 2
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == len(events(session))


def test_the_same_key_twice_in_one_transaction_queues_one_message_and_keeps_the_rest(
    session: Session, personas: Personas
) -> None:
    since = len(events(session))
    first = _queue(session)

    with pytest.raises(Duplicate) as duplicate:
        _queue(session, "second@example.org")
    session.add(Organization(name="Cooperativa Verdi", company_code="VERDI"))
    session.commit()

    assert duplicate.value.existing is first
    assert session.scalars(select(OutboxMessage.recipient)).all() == ["a@example.org"]
    assert _trail(session, since) == [("organization.create", "organization")]
