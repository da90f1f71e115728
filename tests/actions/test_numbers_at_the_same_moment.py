"""Two tickets, or two new clients, created at the same moment: each gets its own number,
the one created second is saved with the next free number instead of failing, and the
audit trail and the mail say the number it was saved with."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions import tickets
from actions.context import Actor
from actions.intake import Request, intake
from actions.unique import NUMBERING_TRIES
from models import AuditEvent, Client, ClientOrigin, Ticket, TicketSource
from tests.helpers import events, outbox
from tests.races import numbered_right_after_the_highest

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _about(session: Session, entity_type: str, other_id: int) -> list[AuditEvent]:
    """The events about rows of `entity_type`, but the other request's own row."""
    return [
        e for e in events(session) if e.entity_type == entity_type and e.entity_id != str(other_id)
    ]


def test_two_tickets_opened_at_the_same_moment_get_two_numbers(
    session: Session, session_factory: sessionmaker[Session], olivia: Actor
) -> None:
    landed = numbered_right_after_the_highest(
        session,
        session_factory,
        Ticket,
        number="T000001",
        requester_name="Bruno Blu",
        requester_email="bruno.blu@example.it",
        subject="Il login non funziona",
        source=TicketSource.OPERATOR,
        first_response_due_at=T0,
        resolution_due_at=T0,
    )

    ticket = _open_ticket(session, olivia)
    session.commit()

    assert landed
    saved = session.scalars(select(Ticket).order_by(Ticket.number)).all()
    assert [(t.number, t.subject) for t in saved] == [
        ("T000001", "Il login non funziona"),
        ("T000002", "La stampa del cedolino non parte"),
    ]
    assert ticket.number == "T000002"
    trail = _about(session, "ticket", saved[0].id)
    assert [(e.action, e.entity_id) for e in trail] == [("ticket.open", str(ticket.id))]
    assert trail[0].after is not None and trail[0].after["number"] == "T000002"
    assert [(m.recipient, m.subject) for m in outbox(session)] == [
        ("anna.verdi@example.it", "Ticket T000002: La stampa del cedolino non parte")
    ]


def test_two_new_clients_taken_in_at_the_same_moment_get_two_numbers(
    session: Session, session_factory: sessionmaker[Session], olivia: Actor
) -> None:
    landed = numbered_right_after_the_highest(
        session,
        session_factory,
        Client,
        client_number="C000001",
        legal_name="Mairie de Brest",
        name_key="brest mairie",
        origin=ClientOrigin.INTAKE,
    )

    result = intake(
        session,
        olivia,
        Request("Mairie de Toulon", requester_email="mairie@toulon.example.fr"),
    )
    session.commit()

    assert landed and result.matched_by == "new"
    saved = session.scalars(select(Client).order_by(Client.client_number)).all()
    assert [(c.client_number, c.legal_name) for c in saved] == [
        ("C000001", "Mairie de Brest"),
        ("C000002", "Mairie de Toulon"),
    ]
    trail = _about(session, "client", saved[0].id)
    assert [(e.action, e.entity_id) for e in trail] == [("client.intake", str(result.client.id))]
    assert trail[0].after is not None and trail[0].after["client_number"] == "C000002"
    [mail] = outbox(session)
    assert (mail.recipient, "C000002" in mail.body) == ("mairie@toulon.example.fr", True)


COLLEAGUES = 6


def test_a_ticket_is_saved_when_colleagues_take_every_number_it_tries(
    session: Session, session_factory: sessionmaker[Session], olivia: Actor
) -> None:
    """Colleagues save a ticket one after another, each with the number this one is about
    to take, at every try: it is still saved, with a number of its own (from its key),
    never a server error."""
    others = [
        {
            "number": lambda highest: f"T{highest + 1:06d}",
            "requester_name": "Bruno Blu",
            "requester_email": "bruno.blu@example.it",
            "subject": f"Richiesta {n}",
            "source": TicketSource.OPERATOR,
            "first_response_due_at": T0,
            "resolution_due_at": T0,
        }
        for n in range(1, COLLEAGUES + 1)
    ]
    landed = numbered_right_after_the_highest(session, session_factory, Ticket, *others)

    ticket = _open_ticket(session, olivia)
    session.commit()

    assert len(landed) == NUMBERING_TRIES  # every number it tried was taken
    numbers = session.scalars(select(Ticket.number)).all()
    assert len(numbers) == len(set(numbers)) == len(landed) + 1
    assert ticket.number == f"T{ticket.id:06d}"  # from its own key
    [event] = [e for e in events(session, "ticket.open") if e.entity_id == str(ticket.id)]
    assert event.after is not None and event.after["number"] == ticket.number
    assert [m.subject for m in outbox(session)] == [
        f"Ticket {ticket.number}: La stampa del cedolino non parte"
    ]


def test_a_new_client_is_saved_when_colleagues_take_every_number_it_tries(
    session: Session, session_factory: sessionmaker[Session], olivia: Actor
) -> None:
    others = [
        {
            "client_number": lambda highest: f"C{highest + 1:06d}",
            "legal_name": f"Mairie {n}",
            "name_key": f"mairie {n}",
            "origin": ClientOrigin.INTAKE,
        }
        for n in range(1, COLLEAGUES + 1)
    ]
    landed = numbered_right_after_the_highest(session, session_factory, Client, *others)

    result = intake(
        session,
        olivia,
        Request("Mairie de Toulon", requester_email="mairie@toulon.example.fr"),
    )
    session.commit()

    assert len(landed) == NUMBERING_TRIES and result.matched_by == "new"
    numbers = session.scalars(select(Client.client_number)).all()
    assert len(numbers) == len(set(numbers)) == len(landed) + 1
    number = result.client.client_number
    assert number == f"C{result.client.id:06d}"  # from its own key
    [event] = [e for e in events(session, "client.intake") if e.entity_id == str(result.client.id)]
    assert event.after is not None and event.after["client_number"] == number
    [mail] = outbox(session)
    assert (mail.recipient, number in mail.body) == ("mairie@toulon.example.fr", True)


def _open_ticket(session: Session, olivia: Actor) -> Ticket:
    """The ticket the desk opens while colleagues open theirs."""
    return tickets.open_ticket(
        session,
        olivia,
        tickets.Opening(
            subject="La stampa del cedolino non parte",
            description="Errore 42 alla stampa",
            requester_name="Anna Verdi",
            requester_email="anna.verdi@example.it",
            source=TicketSource.OPERATOR,
        ),
        now=T0,
    )
