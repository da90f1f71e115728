from __future__ import annotations

import re

from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from actions import companies
from actions.context import Actor
from models import AccessRequest, AccessRequestState, Member, Organization, Ticket
from tests.companies import ADMIN, VAT, mailed_code, make_company, register_form
from tests.conftest import Personas, csrf_token, htmx_headers, log_in
from tests.helpers import fresh, outbox


def _registered(session: Session, olivia: Actor) -> Organization:
    company = make_company(session)
    code = mailed_code(session, olivia, company)
    companies.register_company(session, olivia, VAT, code, ADMIN)
    session.commit()
    return company


def _portal(client: TestClient, **values: str) -> BeautifulSoup:
    values["csrftoken"] = csrf_token(client.get("/admin/portal").text)
    return BeautifulSoup(client.post("/admin/portal", data=values).text, "html.parser")


def test_an_unknown_company_becomes_a_ticket_with_consent(
    client: TestClient, personas: Personas, session: Session
) -> None:
    log_in(client, "olivia")

    page = _portal(
        client,
        form="access_code",
        vat_number="02438750586",
        company_name="Nuova Ditta",
        requester_name="Paolo Russo",
        requester_email="paolo@example.it",
        consent="yes",
    )

    assert "Company not present" in page.select_one("[data-testid=answer]").text
    ticket = fresh(session).scalars(select(Ticket)).one()
    assert page.select_one("[data-testid=answered-ticket]")["href"].endswith(f"pk={ticket.id}")


def test_a_wrong_vat_number_is_refused_and_kept(
    client: TestClient, personas: Personas, session: Session
) -> None:
    log_in(client, "olivia")

    page = _portal(client, form="join", vat_number="02438750587", requester_email="x@example.it")

    assert "not valid" in page.select_one("[data-testid=refusal]").text
    form = page.select_one("[data-testid=portal-join]")
    assert form.select_one("[data-testid=vat_number]")["value"] == "02438750587"
    assert "is-invalid" in form.select_one("[data-testid=vat_number]")["class"]


def test_username_recovery_answers_the_same_with_or_without_a_match(
    client: TestClient, personas: Personas, session: Session, olivia: Actor
) -> None:
    _registered(session, olivia)
    log_in(client, "olivia")

    matched = _portal(client, form="username", requester_email=ADMIN.email, tax_code=ADMIN.tax_code)
    unmatched = _portal(
        client, form="username", requester_email="nobody@example.it", tax_code=ADMIN.tax_code
    )

    def said(page: BeautifulSoup) -> str:
        return page.select_one("[data-testid=answer] strong").text

    assert said(matched) == said(unmatched)


def test_the_join_link_asks_then_decides_once(
    client: TestClient, personas: Personas, session: Session, olivia: Actor
) -> None:
    _registered(session, olivia)
    log_in(client, "olivia")
    _portal(
        client,
        form="join",
        vat_number=VAT,
        requester_name="Marco Gialli",
        requester_email="marco@example.it",
        tax_code="GLLMRC80A01H501O",
    )
    approve = re.search(r"http://\S+?(/access/join/\S+)", outbox(session)[-1].body)
    assert approve
    link = approve.group(1)
    client.cookies.clear()  # the administrator is not signed in to the console

    asked = client.get(link)
    assert asked.status_code == 200 and "Marco Gialli" in asked.text
    assert fresh(session).scalars(select(AccessRequest)).one().state == AccessRequestState.PENDING

    decided = client.post(link)
    assert 'data-testid="outcome"' in decided.text
    again = client.post(link)
    assert again.status_code == 400 and "already been decided" in again.text
    tampered = client.get(link[:-2] + "xx")
    assert tampered.status_code == 400 and "not valid" in tampered.text
    fresh(session).expire_all()
    assert session.scalars(select(AccessRequest)).one().state == AccessRequestState.APPROVED
    assert session.scalar(select(Member).where(Member.email == "marco@example.it")) is not None


def test_the_desk_records_the_administrators_phone_decision(
    client: TestClient, personas: Personas, session: Session, olivia: Actor
) -> None:
    _registered(session, olivia)
    log_in(client, "olivia")
    _portal(
        client,
        form="join",
        vat_number=VAT,
        requester_name="Marco Gialli",
        requester_email="marco@example.it",
        tax_code="GLLMRC80A01H501O",
    )
    request = fresh(session).scalars(select(AccessRequest)).one()
    headers = htmx_headers(client)

    response = client.post(f"/admin/do/access_requests/{request.id}/refuse", headers=headers)

    assert "is refused" in response.text
    fresh(session).expire_all()
    assert (request.state, request.decided_via) == (AccessRequestState.REFUSED, "phone")


def test_a_recovery_path_opens_a_ticket(
    client: TestClient, personas: Personas, session: Session, olivia: Actor
) -> None:
    _registered(session, olivia)
    log_in(client, "olivia")
    _portal(
        client,
        form="access_code",
        vat_number=VAT,
        requester_name="Paolo Russo",
        requester_email="paolo@example.it",
    )
    request = fresh(session).scalars(select(AccessRequest)).one()

    response = client.post(
        f"/admin/do/access_requests/{request.id}/recover",
        headers=htmx_headers(client),
        data={"path": "cannot_open_ticket", "note": "Errore webrecall"},
    )

    assert "recovery path" in response.text
    fresh(session).expire_all()
    ticket = session.scalars(select(Ticket)).one()
    assert request.ticket_id == ticket.id and ticket.description == "Errore webrecall"


def test_the_access_code_goes_only_to_the_address_on_file(
    client: TestClient, personas: Personas, session: Session
) -> None:
    with_email = Organization(
        name="Azienda Esempio", vat_number=VAT, email="amm@azienda.example.it"
    )
    without = Organization(name="Ditta Senza Mail", vat_number="02438750586")
    session.add_all([with_email, without])
    session.commit()
    log_in(client, "olivia")
    headers = htmx_headers(client)

    sent = client.post(f"/admin/do/organizations/{with_email.id}/send_access_code", headers=headers)
    refused = client.post(f"/admin/do/organizations/{without.id}/send_access_code", headers=headers)

    assert "amm@azienda.example.it" in sent.text
    assert "no e-mail address on file" in refused.text
    assert [m.recipient for m in outbox(session)] == ["amm@azienda.example.it"]


def test_the_desk_registers_a_company_for_the_caller_with_its_code(
    client: TestClient, personas: Personas, session: Session, olivia: Actor
) -> None:
    company = make_company(session)
    code = mailed_code(session, olivia, company)
    log_in(client, "olivia")
    typed = register_form(ADMIN)

    wrong = _portal(client, access_code="ABCDEFGH23", **typed)
    assert "not the one mailed" in wrong.select_one("[data-testid=refusal]").text
    kept = wrong.select_one("[data-testid=portal-register]")
    assert kept.select_one("[data-testid=username]")["value"] == ADMIN.username

    values = {**typed, "access_code": code}
    values["csrftoken"] = csrf_token(client.get("/admin/portal").text)
    page = client.post("/admin/portal", data=values, follow_redirects=True)

    assert "is its administrator" in page.text
    fresh(session).expire_all()
    assert company.administrator_id is not None
    assert "/account/activation/" in outbox(session)[-1].body


def test_only_the_administrator_has_the_desk_create_a_user(
    client: TestClient, personas: Personas, session: Session, olivia: Actor
) -> None:
    company = _registered(session, olivia)
    log_in(client, "olivia")
    headers = htmx_headers(client)
    new_user = {
        "first_name": "Luca",
        "last_name": "Neri",
        "tax_code": "NREMRA85T10A562A",
        "email": "luca.neri@example.it",
        "username": "luca.neri",
    }
    url = f"/admin/do/organizations/{company.id}/create_user"

    refused = client.post(
        url, headers=headers, data={"requested_by": "RSSMRA85T10A562S", **new_user}
    )
    created = client.post(url, headers=headers, data={"requested_by": ADMIN.tax_code, **new_user})

    assert "Only the administrator" in refused.text
    assert 'value="luca.neri"' in refused.text  # what was typed is kept
    assert "activation mail" in created.text
    assert outbox(session)[-1].recipient == "luca.neri@example.it"
