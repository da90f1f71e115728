"""A library and a PIN organisation, a member, a desk signed in, and the link a real mail
delivered, for the login-account and link pages."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from actions.outbox import dispatch_once, transports_from
from models import CredentialPolicy, Member, Organization
from tests.conftest import Personas, SmtpServer, log_in, make_member
from tests.helpers import make_library


@pytest.fixture
def library(session: Session) -> Organization:
    return make_library(session)


@pytest.fixture
def welfare(session: Session) -> Organization:
    """Seed 000: members sign in with their registered e-mail and a 6-digit PIN."""
    return make_library(
        session,
        name="Welfare Rossi",
        company_code="ROSSI",
        country="IT",
        isil=None,
        credential_policy=CredentialPolicy.PIN,
    )


@pytest.fixture
def customer(session: Session, library: Organization) -> Member:
    return make_member(session, library, email="anne@example.nl", tax_code="X1")


@pytest.fixture
def signed_in(client: TestClient, personas: Personas) -> TestClient:
    log_in(client, "olivia")
    return client


def page_of(response: object) -> BeautifulSoup:
    return BeautifulSoup(getattr(response, "text", ""), "html.parser")


SECRET_LINK = re.compile(r"https?://testserver(/(?:reset|account/activation|account/reset)/[\w-]+)")


def mailed_link(
    session: Session, factory: sessionmaker[Session], smtp: SmtpServer, count: int = 1
) -> str:
    """Commit, deliver the outbox to the real SMTP server, and return the path of the link
    that sets a secret in the count-th mail received."""
    session.commit()
    dispatch_once(factory, transports_from(smtp.url, "desk@example.org"))
    mail = smtp.mailbox.wait_for(count)[count - 1]
    payload = mail.get_payload(decode=True)
    assert isinstance(payload, bytes)
    found = SECRET_LINK.search(payload.decode())
    assert found, payload
    return found.group(1)
