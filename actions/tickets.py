"""Support tickets (seed 002): opened after a knowledge-base search (never before one), from
an access request, or by the desk; assigned, answered (public replies are mailed through the
outbox, internal notes never), and moved only along the allowed transitions.

Clocks: a ticket has a first-response and a resolution due time from its priority. While it
is `waiting` on the customer both clocks pause: leaving `waiting` moves the due times forward
by the time spent waiting. A ticket is overdue when it is `new` or `open` and a due time has
passed (the first-response one only until the first public reply).
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, object_session

from actions import outbox, personal_data
from actions.audit import Scope, audited, changing
from actions.context import Actor
from actions.errors import Conflict, Forbidden, Refused, Term
from actions.unique import add_numbered
from admin.i18n import N_, NC_, translate
from models import (
    Operator,
    Organization,
    OutboxMessage,
    Role,
    Ticket,
    TicketComment,
    TicketPriority,
    TicketSource,
    TicketState,
    utcnow,
)

# Priority -> (first response, resolution).
TARGETS: dict[TicketPriority, tuple[dt.timedelta, dt.timedelta]] = {
    TicketPriority.URGENT: (dt.timedelta(hours=1), dt.timedelta(hours=8)),
    TicketPriority.HIGH: (dt.timedelta(hours=4), dt.timedelta(hours=24)),
    TicketPriority.NORMAL: (dt.timedelta(hours=8), dt.timedelta(hours=72)),
    TicketPriority.LOW: (dt.timedelta(hours=24), dt.timedelta(hours=120)),
}
TRANSITIONS: dict[TicketState, tuple[TicketState, ...]] = {
    TicketState.NEW: (TicketState.OPEN,),
    TicketState.OPEN: (TicketState.WAITING, TicketState.RESOLVED),
    TicketState.WAITING: (TicketState.OPEN, TicketState.RESOLVED),
    TicketState.RESOLVED: (TicketState.CLOSED, TicketState.OPEN),  # reopen
    TicketState.CLOSED: (),
}
STATE_LABELS = {
    "new": N_("new"),
    "open": N_("open"),
    "waiting": N_("waiting on the customer"),
    "resolved": NC_("ticket state", "resolved"),
    "closed": N_("closed"),
}


@dataclass(frozen=True)
class Opening:
    subject: str
    description: str
    requester_name: str
    requester_email: str
    source: TicketSource
    organization_id: int | None = None
    company_name: str | None = None
    product_line: str | None = None
    product: str | None = None
    priority: TicketPriority = TicketPriority.NORMAL
    language: str = "it"
    search_log_id: int | None = None  # required when the source is a search
    access_request_id: int | None = None


def require_desk(actor: Actor) -> None:
    if not actor.may(Role.OPERATOR):
        raise Forbidden(N_("Only the desk's operators may handle tickets."))


def open_ticket(
    session: Session, actor: Actor, opening: Opening, *, now: dt.datetime | None = None
) -> Ticket:
    now = now or utcnow()
    email = personal_data.email(opening.requester_email, field="requester_email")
    with audited(session, actor, "ticket.open", ("ticket", None)) as scope:
        require_desk(actor)
        if not opening.subject.strip():
            raise Refused(
                N_("A ticket needs a subject: say the problem in a few words."), field="subject"
            )
        query, shown = None, None
        if opening.source == TicketSource.SEARCH:
            query, shown = _search_made(session, opening.search_log_id)
        if (
            opening.organization_id is not None
            and session.get(Organization, opening.organization_id) is None
        ):
            raise Refused(N_("This company no longer exists."), field="organization_id")
        first, resolution = TARGETS[opening.priority]
        ticket = add_numbered(
            session,
            Ticket.number,
            lambda: _next_number(session),
            lambda number: Ticket(
                number=number,
                organization_id=opening.organization_id,
                company_name=opening.company_name,
                requester_name=opening.requester_name.strip(),
                requester_email=email,
                language=opening.language,
                product_line=opening.product_line or None,
                product=opening.product or None,
                subject=opening.subject.strip(),
                description=opening.description.strip(),
                priority=opening.priority,
                source=opening.source,
                search_log_id=opening.search_log_id if query is not None else None,
                search_query=query,
                search_article_ids=shown,
                access_request_id=opening.access_request_id,
                created_at=now,
                first_response_due_at=now + first,
                resolution_due_at=now + resolution,
            ),
            _numbered,
        )
        _mail(
            session,
            ticket,
            N_("Ticket %(number)s: %(subject)s"),
            N_(
                "Hello %(name)s,\n\nyour request is registered as ticket %(number)s. "
                "We will answer you at this address.\n"
            ),
            "ticket.open",
        )
        scope.entity_id = str(ticket.id)
        scope.note(number=ticket.number, search_query=query, articles_shown=shown)
    return ticket


def _search_made(session: Session, search_log_id: int | None) -> tuple[str, list[int]]:
    """The portal's rule: a ticket is opened from a search only after at least one search."""
    from models.knowledge import SearchLog

    log = session.get(SearchLog, search_log_id) if search_log_id is not None else None
    if log is None:
        raise Refused(
            N_(
                "A ticket can be opened from the knowledge base only after a search: "
                "search first, then open the ticket from the results."
            ),
            field="search",
        )
    return log.query, list(log.hit_ids or [])


def _next_number(session: Session) -> str:
    highest = session.scalar(select(func.max(Ticket.id))) or 0
    return _numbered(highest + 1)


def _numbered(key: int) -> str:
    return f"T{key:06d}"


def _load(session: Session, ticket_id: int, expected_version: int | None) -> Ticket:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise Refused(N_("This ticket no longer exists."))
    if expected_version is not None and ticket.version != expected_version:
        raise Conflict(
            N_("Someone else changed ticket %(number)s since you opened it: look at it again."),
            number=ticket.number,
        )
    return ticket


def assign(
    session: Session,
    actor: Actor,
    ticket_id: int,
    operator_id: int,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Give the ticket to an operator; a new ticket is opened by it."""
    now = now or utcnow()
    ticket = _load(session, ticket_id, expected_version)
    with _changing(session, actor, "ticket.assign", ticket) as scope:
        assignee = session.get(Operator, operator_id)
        if assignee is None or not assignee.active:
            raise Refused(N_("Choose an active operator."), field="assignee")
        if ticket.state == TicketState.CLOSED:
            raise Refused(N_("Ticket %(number)s is closed."), number=ticket.number)
        ticket.assignee_id = assignee.id
        if ticket.state == TicketState.NEW:
            _move(ticket, TicketState.OPEN, now)
        scope.note(assignee=assignee.username)
    return ticket


def reply(
    session: Session,
    actor: Actor,
    ticket_id: int,
    body: str,
    *,
    public: bool,
    now: dt.datetime | None = None,
) -> TicketComment:
    """A public reply is mailed to the requester; an internal note is never mailed."""
    now = now or utcnow()
    ticket = _load(session, ticket_id, None)
    action = "ticket.reply" if public else "ticket.note"
    with _changing(session, actor, action, ticket) as scope:
        if not body.strip():
            raise Refused(N_("Write the reply or the note first."), field="body")
        if ticket.state == TicketState.CLOSED:
            raise Refused(
                N_("Ticket %(number)s is closed: reopen it from a new ticket."),
                number=ticket.number,
            )
        comment = TicketComment(
            ticket_id=ticket.id,
            author=actor.username,
            body=body.strip(),
            public=public,
            created_at=now,
        )
        session.add(comment)
        if public:
            message = _mail(
                session,
                ticket,
                N_("Ticket %(number)s: %(subject)s"),
                N_("Hello %(name)s,\n\n%(body)s\n\nTicket %(number)s\n"),
                action,
                body=body.strip(),
            )
            comment.outbox_message_id = message.id
            if ticket.first_responded_at is None:
                ticket.first_responded_at = now
        session.flush()
        scope.note(comment_id=comment.id, public=public)
    return comment


def change_state(
    session: Session,
    actor: Actor,
    ticket_id: int,
    to: TicketState,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    now = now or utcnow()
    ticket = _load(session, ticket_id, expected_version)
    with _changing(session, actor, f"ticket.{_verb(ticket.state, to)}", ticket):
        if to not in TRANSITIONS[ticket.state]:
            allowed = TRANSITIONS[ticket.state]
            raise Refused(
                N_(
                    "Ticket %(number)s is %(state)s: it cannot become %(to)s. "
                    "From here it can become: %(allowed)s."
                )
                if allowed
                else N_("Ticket %(number)s is %(state)s: it cannot become %(to)s."),
                field="state",
                number=ticket.number,
                state=Term(STATE_LABELS[ticket.state.value]),
                to=Term(STATE_LABELS[to.value]),
                allowed=[Term(STATE_LABELS[s.value]) for s in allowed] or "-",
            )
        _move(ticket, to, now)
    return ticket


def _verb(current: TicketState, to: TicketState) -> str:
    if current == TicketState.RESOLVED and to == TicketState.OPEN:
        return "reopen"
    return {
        TicketState.OPEN: "open",
        TicketState.WAITING: "wait",
        TicketState.RESOLVED: "resolve",
        TicketState.CLOSED: "close",
        TicketState.NEW: "new",
    }[to]


def _move(ticket: Ticket, to: TicketState, now: dt.datetime) -> None:
    """Apply a transition and its clocks."""
    if ticket.state == TicketState.WAITING and ticket.waiting_since is not None:
        paused = now - ticket.waiting_since
        ticket.resolution_due_at += paused
        if ticket.first_responded_at is None:
            ticket.first_response_due_at += paused
        ticket.waiting_since = None
    if to == TicketState.WAITING:
        ticket.waiting_since = now
    if to == TicketState.RESOLVED:
        ticket.resolved_at = now
    if to == TicketState.OPEN:
        ticket.resolved_at = None
    if to == TicketState.CLOSED:
        ticket.closed_at = now
    ticket.state = to


def overdue_clause(now: dt.datetime) -> ColumnElement[bool]:
    """SQL: `new` or `open` with a due time passed."""
    return Ticket.state.in_([TicketState.NEW, TicketState.OPEN]) & or_(
        Ticket.resolution_due_at < now,
        Ticket.first_responded_at.is_(None) & (Ticket.first_response_due_at < now),
    )


def is_overdue(ticket: Ticket, now: dt.datetime | None = None) -> bool:
    now = now or utcnow()
    if ticket.state not in (TicketState.NEW, TicketState.OPEN):
        return False
    return ticket.resolution_due_at < now or (
        ticket.first_responded_at is None and ticket.first_response_due_at < now
    )


def _changing(
    session: Session, actor: Actor, action: str, ticket: Ticket
) -> AbstractContextManager[Scope]:
    """An audited change of a ticket by the desk (see `audit.changing`)."""
    return changing(
        session, actor, action, ticket, require=require_desk, conflict=_conflict(ticket)
    )


def _conflict(ticket: Ticket) -> Conflict:
    return Conflict(
        N_("Someone else changed ticket %(number)s at the same moment: look at it again."),
        number=ticket.number,
    )


def _mail(
    session: Session,
    ticket: Ticket,
    subject: str,
    text: str,
    caused_by: str,
    **extra: str,
) -> OutboxMessage:
    values = {
        "number": ticket.number,
        "subject": ticket.subject,
        "name": ticket.requester_name or ticket.requester_email,
        **extra,
    }
    return outbox.enqueue(
        session,
        recipient=ticket.requester_email,
        subject=translate(ticket.language, subject) % values,
        body=translate(ticket.language, text) % values,
        caused_by=caused_by,
        entity=ticket,
    )


@dataclass(frozen=True)
class Timeline:
    comments: list[TicketComment]
    articles: list[Any]  # the knowledge articles shown by the search before opening
    overdue: bool


def timeline_of(ticket: Ticket) -> Timeline:
    """What a ticket's page shows below its fields."""
    from models.knowledge import KnowledgeArticle

    session = object_session(ticket)
    assert session is not None, "a ticket shown on its page belongs to the request's session"
    comments = list(
        session.scalars(
            select(TicketComment)
            .where(TicketComment.ticket_id == ticket.id)
            .order_by(TicketComment.created_at, TicketComment.id)
        )
    )
    ids = ticket.search_article_ids or []
    found = {
        a.id: a
        for a in session.scalars(select(KnowledgeArticle).where(KnowledgeArticle.id.in_(ids)))
    }
    return Timeline(comments, [found[i] for i in ids if i in found], is_overdue(ticket))
