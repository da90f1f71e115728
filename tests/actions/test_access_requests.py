"""Seed 002: companies, access codes, registration, recovery paths and join requests."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions import access_requests, companies
from actions.context import Actor
from actions.errors import Refused
from models import (
    AccessRequest,
    AccessRequestState,
    AccountState,
    Member,
    Organization,
    Ticket,
    TicketSource,
)
from tests.companies import ADMIN, VAT, mailed_code, make_company
from tests.helpers import events, last_event, outbox

SECRET = "join-links-secret"
BASE = "https://sportello.example"


@pytest.fixture
def company(session: Session) -> Organization:
    return make_company(session)


@pytest.fixture
def registered(session: Session, olivia: Actor, company: Organization) -> Member:
    code = mailed_code(session, olivia, company)
    member = companies.register_company(session, olivia, VAT, code, ADMIN)
    session.commit()
    return member


def test_the_access_code_is_mailed_to_the_address_on_file_and_stored_hashed(
    session: Session, olivia: Actor, company: Organization
) -> None:
    code = mailed_code(session, olivia, company)
    assert company.access_code_hash and code not in company.access_code_hash
    audit = last_event(session, "company.send_access_code")
    assert code not in str(audit.after) and audit.after["access_code_hash"] == "***"


def test_registration_with_the_right_code_makes_the_administrator(
    session: Session, registered: Member, company: Organization
) -> None:
    assert company.administrator_id == registered.id and company.registered_at is not None
    assert registered.login_account is not None
    assert registered.login_account.state == AccountState.ACTIVE
    assert company.access_code_hash is None  # used once


def test_a_wrong_access_code_is_refused(
    session: Session, olivia: Actor, company: Organization
) -> None:
    mailed_code(session, olivia, company)
    with pytest.raises(Refused, match="not the one mailed") as refusal:
        companies.register_company(session, olivia, VAT, "WRONGCODE2", ADMIN)
    session.commit()
    assert refusal.value.field == "access_code"
    assert company.registered_at is None
    assert session.scalar(select(Member)) is None
    assert last_event(session, "company.register").outcome.value == "refused"


def test_the_desk_registers_a_company_and_its_administrator_chooses_the_password(
    session: Session, olivia: Actor, company: Organization
) -> None:
    code = mailed_code(session, olivia, company)
    without_password = companies.Person(**{**ADMIN.__dict__, "password": ""})

    member = companies.register_company(
        session, olivia, VAT, code.lower(), without_password, link_base=BASE
    )
    session.commit()

    assert member.login_account is not None
    assert member.login_account.state == AccountState.PENDING_ACTIVATION
    assert f"{BASE}/account/activation/" in outbox(session)[-1].body
    assert outbox(session)[-1].recipient == ADMIN.email


def test_a_company_registers_once(
    session: Session, olivia: Actor, registered: Member, company: Organization
) -> None:
    with pytest.raises(Refused, match="already registered"):
        companies.send_access_code(session, olivia, company.id)
    with pytest.raises(Refused, match="already registered"):
        companies.register_company(session, olivia, VAT, "ANYCODE234", ADMIN)


def test_the_administrator_creates_a_user_who_activates_by_mail(
    session: Session, olivia: Actor, registered: Member, company: Organization
) -> None:
    user = companies.create_company_user(
        session,
        olivia,
        company.id,
        ADMIN.tax_code.lower(),  # the caller is the administrator
        companies.Person("Luca", "Neri", "NREMRA85T10A562A", "luca.neri@example.it", "luca.neri"),
        link_base=BASE,
    )
    session.commit()
    assert user.organization_id == company.id
    assert user.login_account is not None
    assert user.login_account.state == AccountState.PENDING_ACTIVATION
    assert outbox(session)[-1].recipient == "luca.neri@example.it"


def test_only_the_administrator_creates_users(
    session: Session, olivia: Actor, registered: Member, company: Organization
) -> None:
    with pytest.raises(Refused, match="Only the administrator"):
        companies.create_company_user(
            session,
            olivia,
            company.id,
            "RSSMRA85T10A562S",  # someone else
            companies.Person("Luca", "Neri", "NREMRA85T10A562A", "luca@example.it", "luca"),
            link_base=BASE,
        )


def test_an_unknown_company_is_not_present_and_with_consent_gets_a_ticket(
    session: Session, olivia: Actor
) -> None:
    answer = access_requests.request_access_code(
        session,
        olivia,
        vat_number="IT 02438750586",
        company_name="Nuova Ditta S.r.l.",
        requester_name="Paolo Russo",
        requester_email="paolo@nuovaditta.example.it",
        consent_to_ticket=True,
    )
    session.commit()

    assert "Company not present" in answer.message
    ticket = session.get_one(Ticket, answer.request.ticket_id)
    assert ticket.source == TicketSource.COMPANY_NOT_PRESENT
    assert ticket.access_request_id == answer.request.id
    assert answer.request.outcome == "company not present"


def test_an_unknown_company_without_consent_gets_no_ticket(session: Session, olivia: Actor) -> None:
    answer = access_requests.request_access_code(
        session,
        olivia,
        vat_number="02438750586",
        company_name="Nuova Ditta",
        requester_name="Paolo Russo",
        requester_email="paolo@nuovaditta.example.it",
        consent_to_ticket=False,
    )
    session.commit()
    assert answer.request.ticket_id is None and session.scalar(select(Ticket)) is None


def test_a_registered_company_is_offered_the_recovery_paths(
    session: Session, olivia: Actor, registered: Member
) -> None:
    answer = access_requests.request_access_code(
        session,
        olivia,
        vat_number=VAT,
        company_name="",
        requester_name="Paolo Russo",
        requester_email="paolo@example.it",
        consent_to_ticket=False,
    )
    session.commit()
    assert "already registered" in answer.message
    assert answer.request.state == AccessRequestState.PENDING


def _recover(session: Session, olivia: Actor, email: str, tax_code: str) -> str:
    answer = access_requests.recover_username(session, olivia, email=email, tax_code=tax_code)
    session.commit()
    return answer.message % answer.params


def test_username_recovery_mails_the_username_or_says_the_same_without_a_match(
    session: Session, olivia: Actor, registered: Member
) -> None:
    mails = len(outbox(session))
    matched = _recover(session, olivia, ADMIN.email.upper(), ADMIN.tax_code.lower())
    assert len(outbox(session)) == mails + 1
    assert "giulia.bianchi" in outbox(session)[-1].body

    unmatched = _recover(session, olivia, "someone@example.it", ADMIN.tax_code)

    assert matched == unmatched  # nothing tells which accounts exist
    assert len(outbox(session)) == mails + 1
    pending = session.scalars(
        select(AccessRequest).where(AccessRequest.state == AccessRequestState.PENDING)
    ).all()
    assert [r.outcome for r in pending] == ["no match: contact requested"]


def _join(session: Session, olivia: Actor) -> tuple[AccessRequest, dict[str, str]]:
    answer = access_requests.request_join(
        session,
        olivia,
        vat_number=VAT,
        requester_name="Marco Gialli",
        requester_email="marco.gialli@example.it",
        tax_code="GLLMRC80A01H501O",
        secret_key=SECRET,
        link_base=BASE,
    )
    session.commit()
    mail = outbox(session)[-1]
    assert mail.recipient == ADMIN.email
    approve, refuse = re.findall(r"\S+/access/join/\S+", mail.body)  # in this order
    links = {"Approve": approve, "Refuse": refuse}
    return answer.request, {k: v.removeprefix(f"{BASE}/access/join/") for k, v in links.items()}


def test_a_join_request_is_approved_through_the_mailed_link_once(
    session: Session, olivia: Actor, registered: Member, company: Organization
) -> None:
    request, links = _join(session, olivia)

    access_requests.decide_by_link(session, links["Approve"], SECRET)
    session.commit()

    assert request.state == AccessRequestState.APPROVED and request.decided_via == "link"
    joined = session.get_one(Member, request.member_id)
    assert (joined.organization_id, joined.tax_code) == (company.id, "GLLMRC80A01H501O")
    assert outbox(session)[-1].recipient == "marco.gialli@example.it"
    assert "ha approvato" in outbox(session)[-1].body  # in the company's language
    for token in links.values():  # used: neither link works again
        with pytest.raises(Refused, match="already been decided"):
            access_requests.decide_by_link(session, token, SECRET)


def test_a_join_request_is_refused_through_the_mailed_link(
    session: Session, olivia: Actor, registered: Member
) -> None:
    request, links = _join(session, olivia)
    access_requests.decide_by_link(session, links["Refuse"], SECRET)
    session.commit()
    assert request.state == AccessRequestState.REFUSED and request.member_id is None
    assert "non ha approvato" in outbox(session)[-1].body


def test_a_link_works_for_seven_days(
    session: Session, olivia: Actor, registered: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    import itsdangerous.timed

    request, links = _join(session, olivia)
    sent = time.time()
    week = access_requests.JOIN_LINK_VALIDITY.total_seconds()
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: sent + week - 5)
    assert access_requests.read_link(session, links["Approve"], SECRET) == (request, True)
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: sent + week + 5)
    with pytest.raises(Refused, match="expired"):
        access_requests.read_link(session, links["Approve"], SECRET)


def test_a_tampered_link_is_refused(session: Session, olivia: Actor, registered: Member) -> None:
    request, links = _join(session, olivia)
    tampered = links["Approve"][:-3] + ("AAA" if not links["Approve"].endswith("AAA") else "BBB")
    with pytest.raises(Refused, match="not valid"):
        access_requests.read_link(session, tampered, SECRET)
    with pytest.raises(Refused, match="not valid"):
        access_requests.read_link(session, links["Approve"], "another secret")
    assert request.state == AccessRequestState.PENDING


def test_the_desk_records_a_decision_given_by_phone(
    session: Session, olivia: Actor, registered: Member
) -> None:
    request, links = _join(session, olivia)

    access_requests.decide_by_phone(session, olivia, request.id, approve=True)
    session.commit()

    assert (request.decided_via, request.decided_by) == ("phone", "olivia")
    event = last_event(session, "access_request.approve")
    assert (event.operator_username, event.after["via"]) == ("olivia", "phone")
    with pytest.raises(Refused, match="already been decided"):
        access_requests.decide_by_link(session, links["Approve"], SECRET)


def test_a_tax_code_already_on_the_company_goes_back_to_username_recovery(
    session: Session, olivia: Actor, registered: Member
) -> None:
    answer = access_requests.request_join(
        session,
        olivia,
        vat_number=VAT,
        requester_name="Giulia Bianchi",
        requester_email=ADMIN.email,
        tax_code=ADMIN.tax_code,
        secret_key=SECRET,
        link_base=BASE,
    )
    session.commit()
    assert answer.message == access_requests.USERNAME_ANSWER
    assert "giulia.bianchi" in outbox(session)[-1].body


def test_the_desk_opens_a_ticket_for_a_request(
    session: Session, olivia: Actor, registered: Member
) -> None:
    _recover(session, olivia, "someone@example.it", ADMIN.tax_code)
    request = session.scalars(select(AccessRequest)).one()

    access_requests.open_ticket_for(session, olivia, request.id, subject="Richiamare")
    session.commit()

    ticket = session.get_one(Ticket, request.ticket_id)
    assert ticket.source == TicketSource.ACCESS_REQUEST
    assert request.state == AccessRequestState.RESOLVED
    assert [e.action for e in events(session)][-2:] == ["ticket.open", "access_request.open_ticket"]
