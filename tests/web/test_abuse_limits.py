"""Abuse limits hold through the console's pages: a wrong access code typed on the portal
form counts against the company even though the form is only shown again; a mobile
certified with the code the caller read out is refused to another person's registration."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from actions import throttle
from actions.context import Actor
from models import AccountState, LoginAccount, Organization
from tests.companies import ADMIN, mailed_code, make_company, register_form
from tests.conftest import Personas, csrf_token, htmx_headers, log_in, make_member
from tests.helpers import fresh, outbox
from tests.web.forms import register


def test_the_sixth_wrong_access_code_typed_on_the_portal_waits_a_minute(
    client: TestClient, personas: Personas, session: Session, olivia: Actor
) -> None:
    code = mailed_code(session, olivia, make_company(session))
    log_in(client, "olivia")
    typed = register_form(ADMIN)

    def refusal(access_code: str) -> str:
        token = csrf_token(client.get("/admin/portal").text)
        page = client.post(
            "/admin/portal", data={**typed, "access_code": access_code, "csrftoken": token}
        )
        found = BeautifulSoup(page.text, "html.parser").select_one("[data-testid=refusal]")
        return found.text if found else ""

    told = [refusal("ABCDEFGH23") for _ in range(throttle.SLOW_DOWN_AFTER)]
    assert all("not the one mailed" in text for text in told)
    assert "Too many wrong access codes" in refusal(code)


def test_the_code_the_caller_reads_out_certifies_the_mobile_and_nobody_else_registers_it(
    client: TestClient, personas: Personas, session: Session, organization: Organization
) -> None:
    member = make_member(session, organization, mobile="+393337654321")
    account = LoginAccount(
        organization=organization,
        member=member,
        username="mario.rossi@example.org",
        login_email="mario.rossi@example.org",
        state=AccountState.ACTIVE,
    )
    session.add(account)
    session.commit()
    log_in(client, "olivia")
    headers = htmx_headers(client)
    client.post(f"/admin/do/login_accounts/{account.id}/send_phone_code", headers=headers)
    found = re.search(r"\b(\d{6})\b", outbox(session)[-1].body)
    assert found
    url = f"/admin/do/login_accounts/{account.id}/confirm_phone_code"
    wrong = "000000" if found.group(1) != "000000" else "111111"

    refused = BeautifulSoup(
        client.post(url, data={"code": wrong}, headers=headers).text, "html.parser"
    )
    assert "not the code that was sent" in refused.text
    assert refused.select_one("[data-testid=phone-code]")["value"] == wrong
    client.post(url, data={"code": found.group(1)}, headers=headers)
    fresh(session).refresh(member)
    assert member.mobile_verified_at is not None

    answer = register(client)

    soup = BeautifulSoup(answer.text, "html.parser")
    assert "already certified for another person" in soup.select_one("[data-testid=refusal]").text
    assert soup.select_one("input[name=mobile]")["value"] == "333 765 4321"
