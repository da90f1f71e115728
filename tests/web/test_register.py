from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import Member, Organization
from tests.conftest import Personas, log_in
from tests.helpers import outbox
from tests.web.forms import register


def test_an_operator_registers_a_caller(
    client: TestClient, personas: Personas, organization: Organization, session: Session
) -> None:
    log_in(client, "olivia")

    response = register(client)

    assert response.status_code == 303
    assert "/admin/members/detail?pk=" in response.headers["location"]
    assert [m.recipient for m in outbox(session)] == ["giulia@example.org"]


def test_a_second_registration_offers_the_reset_and_keeps_what_was_typed(
    client: TestClient, personas: Personas, pending_member: Member
) -> None:
    log_in(client, "olivia")

    response = register(client, tax_code=pending_member.tax_code or "", company_code="rossi")

    soup = BeautifulSoup(response.text, "html.parser")
    assert "already registered" in soup.select_one("[data-testid=refusal]").text
    assert soup.select_one("[data-testid=offer-reset]") is not None
    assert soup.select_one("input[name=email]")["value"] == "giulia@example.org"


def test_the_menu_offers_registration_to_operators(client: TestClient, personas: Personas) -> None:
    log_in(client, "olivia")

    assert "/admin/register" in client.get("/admin/").text


def test_an_email_already_a_login_username_elsewhere_is_refused_and_the_form_kept(
    client: TestClient, personas: Personas, organization: Organization, session: Session
) -> None:
    verdi = Organization(name="Welfare Verdi", company_code="VERDI", language="en")
    session.add(verdi)
    session.commit()
    log_in(client, "olivia")
    assert register(client).status_code == 303

    response = register(client, company_code="VERDI", email="GIULIA@example.org")

    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    refusal = soup.select_one("[data-testid=refusal]")
    assert refusal is not None and "already the username of a login account" in refusal.text
    assert "another e-mail address" in refusal.text
    assert soup.select_one("input[name=email]")["value"] == "GIULIA@example.org"
    assert soup.select_one("input[name=company_code]")["value"] == "VERDI"
    session.commit()
    assert session.scalar(select(Member).where(Member.organization_id == verdi.id)) is None
    assert [m.recipient for m in outbox(session)] == ["giulia@example.org"]
