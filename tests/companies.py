"""A company of the access-request procedure, its administrator and its mailed access code."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from actions import companies
from actions.context import Actor
from models import Organization
from tests.helpers import outbox

VAT = "00743110157"
ADMIN = companies.Person(
    first_name="Giulia",
    last_name="Bianchi",
    tax_code="BNCGLI80A41H501C",
    email="giulia.bianchi@azienda.example.it",
    username="giulia.bianchi",
    password="Segreta#2026",
)


def make_company(session: Session) -> Organization:
    org = Organization(
        name="Azienda Esempio S.p.A.",
        vat_number=VAT,
        email="amministrazione@azienda.example.it",
        language="it",
    )
    session.add(org)
    session.commit()
    return org


def mailed_code(session: Session, actor: Actor, company: Organization) -> str:
    """Send the company an access code and read it back from the mail it was queued in."""
    companies.send_access_code(session, actor, company.id)
    session.commit()
    mail = outbox(session)[-1]
    assert mail.recipient == company.email
    found = re.search(r"\b([A-Z2-9]{10})\b", mail.body)
    assert found, mail.body
    return found.group(1)


def register_form(person: companies.Person) -> dict[str, str]:
    """The portal's registration form as the caller fills it in, short of the access code."""
    return {
        "form": "register",
        "vat_number": VAT,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "tax_code": person.tax_code,
        "requester_email": person.email,
        "username": person.username,
    }
