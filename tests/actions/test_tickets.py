from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session, sessionmaker

from actions import tickets
from actions.context import Actor
from actions.errors import Conflict, Refused
from models import (
    Organization,
    Ticket,
    TicketPriority,
    TicketSource,
    TicketState,
)
from models.knowledge import ArticleAudience, SearchLog
from tests.conftest import Personas
from tests.helpers import last_event, outbox

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _open(
    session: Session,
    actor: Actor,
    *,
    source: TicketSource = TicketSource.OPERATOR,
    priority: TicketPriority = TicketPriority.NORMAL,
    search_log_id: int | None = None,
    organization: Organization | None = None,
) -> Ticket:
    ticket = tickets.open_ticket(
        session,
        actor,
        tickets.Opening(
            subject="La stampa del cedolino non parte",
            description="Errore 42 alla stampa",
            requester_name="Anna Verdi",
            requester_email="anna.verdi@example.it",
            source=source,
            priority=priority,
            search_log_id=search_log_id,
            organization_id=organization.id if organization else None,
            product_line="Paghe",
            product="Cedolini",
        ),
        now=T0,
    )
    session.commit()
    return ticket


def _search(session: Session) -> SearchLog:
    log = SearchLog(
        query="stampa cedolino",
        query_key="stampa cedolino",
        audience=ArticleAudience.PUBLIC,
        language="it",
        hit_ids=[7, 3],
    )
    session.add(log)
    session.commit()
    return log


def test_a_ticket_from_the_knowledge_base_is_refused_before_any_search(
    session: Session, olivia: Actor
) -> None:
    with pytest.raises(Refused, match="only after a search") as refusal:
        _open(session, olivia, source=TicketSource.SEARCH)
    session.commit()
    assert refusal.value.field == "search"
    assert session.query(Ticket).count() == 0
    assert last_event(session, "ticket.open").outcome.value == "refused"


def test_after_a_search_the_ticket_records_the_query_and_the_articles_shown(
    session: Session, olivia: Actor
) -> None:
    log = _search(session)

    ticket = _open(session, olivia, source=TicketSource.SEARCH, search_log_id=log.id)

    assert (ticket.search_query, ticket.search_article_ids) == ("stampa cedolino", [7, 3])
    assert ticket.number == "T000001" and ticket.state == TicketState.NEW
    [mail] = outbox(session)
    assert mail.recipient == "anna.verdi@example.it" and "T000001" in mail.subject
    assert last_event(session, "ticket.open").after["search_query"] == "stampa cedolino"


def test_the_desk_opens_a_ticket_directly_with_its_source(session: Session, olivia: Actor) -> None:
    ticket = _open(session, olivia)
    assert ticket.source == TicketSource.OPERATOR and ticket.search_query is None


@pytest.mark.parametrize(
    ("priority", "first", "resolution"),
    [(TicketPriority.URGENT, 1, 8), (TicketPriority.NORMAL, 8, 72), (TicketPriority.LOW, 24, 120)],
)
def test_due_times_come_from_the_priority(
    session: Session, olivia: Actor, priority: TicketPriority, first: int, resolution: int
) -> None:
    ticket = _open(session, olivia, priority=priority)
    assert ticket.first_response_due_at == T0 + dt.timedelta(hours=first)
    assert ticket.resolution_due_at == T0 + dt.timedelta(hours=resolution)


ALLOWED = [
    (TicketState.NEW, TicketState.OPEN, "ticket.open"),
    (TicketState.OPEN, TicketState.WAITING, "ticket.wait"),
    (TicketState.OPEN, TicketState.RESOLVED, "ticket.resolve"),
    (TicketState.WAITING, TicketState.OPEN, "ticket.open"),
    (TicketState.WAITING, TicketState.RESOLVED, "ticket.resolve"),
    (TicketState.RESOLVED, TicketState.CLOSED, "ticket.close"),
    (TicketState.RESOLVED, TicketState.OPEN, "ticket.reopen"),
]


def _force(session: Session, ticket: Ticket, state: TicketState) -> None:
    ticket.state = state
    if state == TicketState.WAITING:
        ticket.waiting_since = T0
    session.commit()


@pytest.mark.parametrize(("start", "to", "action"), ALLOWED)
def test_every_allowed_transition(
    session: Session, olivia: Actor, start: TicketState, to: TicketState, action: str
) -> None:
    ticket = _open(session, olivia)
    _force(session, ticket, start)

    tickets.change_state(session, olivia, ticket.id, to, now=T0 + dt.timedelta(hours=1))
    session.commit()

    assert ticket.state == to
    event = last_event(session, action)
    assert (event.before["state"], event.after["state"]) == (start.value, to.value)


REFUSED = [
    (start, to)
    for start in TicketState
    for to in TicketState
    if start != to and (start, to) not in {(a, b) for a, b, _ in ALLOWED}
]


@pytest.mark.parametrize(("start", "to"), REFUSED)
def test_every_other_transition_is_refused_naming_the_allowed_ones(
    session: Session, olivia: Actor, start: TicketState, to: TicketState
) -> None:
    ticket = _open(session, olivia)
    _force(session, ticket, start)

    with pytest.raises(Refused, match="cannot become") as refusal:
        tickets.change_state(session, olivia, ticket.id, to)
    session.rollback()

    assert session.get_one(Ticket, ticket.id).state == start
    if tickets.TRANSITIONS[start]:
        assert "From here it can become" in str(refusal.value)


def test_the_clocks_pause_while_waiting_on_the_customer(session: Session, olivia: Actor) -> None:
    ticket = _open(session, olivia)  # normal: first response 8 h, resolution 72 h
    tickets.change_state(session, olivia, ticket.id, TicketState.OPEN, now=T0)
    tickets.change_state(
        session, olivia, ticket.id, TicketState.WAITING, now=T0 + dt.timedelta(hours=2)
    )
    session.commit()
    during = T0 + dt.timedelta(hours=30)
    assert not tickets.is_overdue(ticket, during)  # paused, though 8 h have passed

    tickets.change_state(
        session, olivia, ticket.id, TicketState.OPEN, now=T0 + dt.timedelta(hours=50)
    )
    session.commit()

    # 48 hours waiting: both due times move 48 hours later.
    assert ticket.first_response_due_at == T0 + dt.timedelta(hours=8 + 48)
    assert ticket.resolution_due_at == T0 + dt.timedelta(hours=72 + 48)
    assert not tickets.is_overdue(ticket, T0 + dt.timedelta(hours=55, minutes=59))
    assert tickets.is_overdue(ticket, T0 + dt.timedelta(hours=56, minutes=1))
    overdue = session.scalars(
        __import__("sqlalchemy")
        .select(Ticket.id)
        .where(tickets.overdue_clause(T0 + dt.timedelta(hours=56, minutes=1)))
    ).all()
    assert overdue == [ticket.id]


def test_a_public_reply_is_mailed_and_stops_the_first_response_clock(
    session: Session, olivia: Actor
) -> None:
    ticket = _open(session, olivia)
    mails_before = len(outbox(session))

    comment = tickets.reply(
        session, olivia, ticket.id, "Aggiorni alla versione 3.2.", public=True, now=T0
    )
    session.commit()

    mails = outbox(session)
    assert len(mails) == mails_before + 1
    assert mails[-1].recipient == "anna.verdi@example.it"
    assert "Aggiorni alla versione 3.2." in mails[-1].body
    assert comment.outbox_message_id == mails[-1].id
    assert ticket.first_responded_at == T0
    assert not tickets.is_overdue(ticket, T0 + dt.timedelta(hours=9))


def test_an_internal_note_is_never_mailed(session: Session, olivia: Actor) -> None:
    ticket = _open(session, olivia)
    mails_before = len(outbox(session))

    comment = tickets.reply(session, olivia, ticket.id, "Cliente già sentito", public=False)
    session.commit()

    assert len(outbox(session)) == mails_before
    assert comment.outbox_message_id is None and ticket.first_responded_at is None
    assert last_event(session, "ticket.note").after["public"] is False


def test_assigning_a_new_ticket_opens_it(
    session: Session, olivia: Actor, personas: Personas
) -> None:
    ticket = _open(session, olivia)

    tickets.assign(session, olivia, ticket.id, personas.supervisor.id)
    session.commit()

    assert (ticket.assignee_id, ticket.state) == (personas.supervisor.id, TicketState.OPEN)
    assert last_event(session, "ticket.assign").after["assignee"] == "sam"


def test_a_stale_form_gets_a_conflict_and_changes_nothing(
    session: Session, olivia: Actor, personas: Personas
) -> None:
    ticket = _open(session, olivia)
    seen = ticket.version
    tickets.assign(session, olivia, ticket.id, personas.operator.id)
    session.commit()

    with pytest.raises(Conflict, match="Someone else changed"):
        tickets.change_state(session, olivia, ticket.id, TicketState.WAITING, expected_version=seen)
    session.rollback()
    assert session.get_one(Ticket, ticket.id).state == TicketState.OPEN


def test_a_role_without_the_desk_cannot_handle_tickets(session: Session) -> None:
    nobody = Actor(None, "portal", None)
    with pytest.raises(Refused, match="Only the desk"):
        _open(session, nobody)


def test_two_operators_changing_a_ticket_at_once_lose_nothing_and_one_is_told(
    session: Session,
    session_factory: sessionmaker[Session],
    olivia: Actor,
    sam: Actor,
    personas: Personas,
) -> None:
    ticket_id = _open(session, olivia).id
    with session_factory() as first, session_factory() as second:
        opened = second.get_one(Ticket, ticket_id)  # the second operator has it open already
        second.commit()

        tickets.assign(first, olivia, ticket_id, personas.operator.id)
        first.commit()
        with pytest.raises(Conflict, match="at the same moment"):
            tickets.change_state(second, sam, ticket_id, TicketState.OPEN)
        second.rollback()
        assert opened.number == "T000001"

    with session_factory() as check:
        saved = check.get_one(Ticket, ticket_id)
        assert (saved.state, saved.assignee_id) == (TicketState.OPEN, personas.operator.id)
        assert last_event(check, "ticket.assign").after["assignee"] == "olivia"
