"""Demo support portal (seed 002): a registered company with its administrator, one
not yet registered (its access code can be mailed), tickets in every state, open access
requests."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.passwords import hash_password
from actions.tickets import TARGETS
from models import (
    AccessRequest,
    AccessRequestKind,
    AccountState,
    CredentialPolicy,
    LoginAccount,
    Member,
    MemberState,
    Operator,
    Organization,
    Ticket,
    TicketComment,
    TicketPriority,
    TicketSource,
    TicketState,
)

PORTAL_ADMIN_TAX_CODE = "BNCGLI80A41H501C"
PORTAL_COMPANIES = [  # name, VAT, address on file, registered
    ("Gestionali Bianchi S.r.l.", "04123450019", "amministrazione@gestionali.example.it", True),
    ("Studio Verdi Associati", "05123450016", "segreteria@studioverdi.example.it", False),
]
TICKETS = [  # subject, state, priority, hours ago, assigned to demo-operator, search
    ("Stampa dei cedolini bloccata", TicketState.NEW, TicketPriority.NORMAL, 1, False, "stampa"),
    ("Errore all'invio F24", TicketState.OPEN, TicketPriority.HIGH, 3, True, None),
    ("Licenza scaduta dopo il rinnovo", TicketState.WAITING, TicketPriority.NORMAL, 20, True, None),
    ("Import del bilancio molto lento", TicketState.OPEN, TicketPriority.URGENT, 30, False, None),
    ("Password dimenticata del portale", TicketState.RESOLVED, TicketPriority.LOW, 50, True, None),
]


def add_portal_companies(session: Session, password: str) -> int:
    created = 0
    for name, vat, email, registered in PORTAL_COMPANIES:
        if session.scalar(select(Organization).where(Organization.vat_number == vat)):
            continue
        company = Organization(name=name, vat_number=vat, email=email, country="IT")
        session.add(company)
        created += 1
        if not registered:
            continue
        administrator = Member(
            organization=company,
            first_name="Giulia",
            last_name="Bianchi",
            tax_code=PORTAL_ADMIN_TAX_CODE,
            email="giulia.bianchi@gestionali.example.it",
            state=MemberState.VALIDATED,
        )
        session.add(administrator)
        session.add(
            LoginAccount(
                organization=company,
                member=administrator,
                username="giulia.bianchi",
                login_email=administrator.email,
                secret_hash=hash_password(password),
                secret_kind=CredentialPolicy.PASSWORD,
                state=AccountState.ACTIVE,
            )
        )
        session.flush()
        company.administrator_id = administrator.id
        company.registered_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=90)
        session.add_all(
            [
                AccessRequest(
                    kind=AccessRequestKind.JOIN,
                    organization_id=company.id,
                    vat_number=vat,
                    requester_name="Marco Gialli",
                    requester_email="marco.gialli@gestionali.example.it",
                    tax_code="GLLMRC80A01H501O",
                    outcome="waiting for the administrator",
                ),
                AccessRequest(
                    kind=AccessRequestKind.USERNAME,
                    requester_email="chi.sono@example.it",
                    tax_code="RSSMRA85T10A562S",
                    outcome="no match: contact requested",
                ),
            ]
        )
    return created


def add_tickets(session: Session) -> int:
    if session.scalar(select(Ticket.id).limit(1)) is not None:
        return 0
    now = dt.datetime.now(dt.UTC)
    operator = session.scalar(select(Operator).where(Operator.username == "demo-operator"))
    company = session.scalar(select(Organization).where(Organization.vat_number == "04123450019"))
    for index, (subject, state, priority, hours, mine, query) in enumerate(TICKETS, start=1):
        opened = now - dt.timedelta(hours=hours)
        first, resolution = TARGETS[priority]
        ticket = Ticket(
            number=f"T{index:06d}",
            organization_id=company.id if company else None,
            requester_name="Giulia Bianchi",
            requester_email="giulia.bianchi@gestionali.example.it",
            product_line="Paghe",
            product="Cedolini",
            subject=subject,
            description=subject,
            state=state,
            priority=priority,
            assignee_id=operator.id if operator and mine else None,
            source=TicketSource.SEARCH if query else TicketSource.OPERATOR,
            search_query=query,
            search_article_ids=[] if query else None,
            created_at=opened,
            first_response_due_at=opened + first,
            resolution_due_at=opened + resolution,
            waiting_since=now - dt.timedelta(hours=2) if state == TicketState.WAITING else None,
            resolved_at=now if state == TicketState.RESOLVED else None,
        )
        session.add(ticket)
        if state in (TicketState.WAITING, TicketState.RESOLVED):
            session.flush()
            ticket.first_responded_at = opened + dt.timedelta(hours=1)
            session.add(
                TicketComment(
                    ticket_id=ticket.id,
                    author="demo-operator",
                    body="Può inviarci la schermata dell'errore?",
                    public=True,
                    created_at=opened + dt.timedelta(hours=1),
                )
            )
    return len(TICKETS)
