"""A library, one of its members and a desk signed in, for the login-account pages."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import Member, Organization
from tests.conftest import Personas, log_in, make_member
from tests.helpers import make_library


@pytest.fixture
def library(session: Session) -> Organization:
    return make_library(session)


@pytest.fixture
def customer(session: Session, library: Organization) -> Member:
    return make_member(session, library, email="anne@example.nl", tax_code="X1")


@pytest.fixture
def signed_in(client: TestClient, personas: Personas) -> TestClient:
    log_in(client, "olivia")
    return client


def page_of(response: object) -> BeautifulSoup:
    return BeautifulSoup(getattr(response, "text", ""), "html.parser")
