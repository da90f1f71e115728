"""Abuse limits hold through the console's pages: a wrong access code typed on the portal
form counts against the company even though the form is only shown again."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from actions import companies, throttle
from actions.context import Actor
from models import Organization
from tests.actions.test_access_requests import ADMIN, VAT
from tests.conftest import Personas, csrf_token, log_in
from tests.helpers import outbox


def test_the_sixth_wrong_access_code_typed_on_the_portal_waits_a_minute(
    client: TestClient, personas: Personas, session: Session, olivia: Actor
) -> None:
    company = Organization(name="Azienda Esempio", vat_number=VAT, email="amm@azienda.example.it")
    session.add(company)
    session.commit()
    companies.send_access_code(session, olivia, company.id)
    session.commit()
    code = re.search(r"\b([A-Z2-9]{10})\b", outbox(session)[-1].body)
    assert code
    log_in(client, "olivia")
    typed = {
        "form": "register",
        "vat_number": VAT,
        "first_name": ADMIN.first_name,
        "last_name": ADMIN.last_name,
        "tax_code": ADMIN.tax_code,
        "requester_email": ADMIN.email,
        "username": ADMIN.username,
    }

    def refusal(access_code: str) -> str:
        token = csrf_token(client.get("/admin/portal").text)
        page = client.post(
            "/admin/portal", data={**typed, "access_code": access_code, "csrftoken": token}
        )
        found = BeautifulSoup(page.text, "html.parser").select_one("[data-testid=refusal]")
        return found.text if found else ""

    told = [refusal("ABCDEFGH23") for _ in range(throttle.SLOW_DOWN_AFTER)]
    assert all("not the one mailed" in text for text in told)
    assert "Too many wrong access codes" in refusal(code.group(1))
