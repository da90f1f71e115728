"""Every two-step action refuses a crafted request that skips its first step: the second
step is accepted only with the signed token the first step issued to the same operator."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import Client, ClientEvent, ClientMerge, LoginAccount, Organization, Outcome
from tests.conftest import Personas, htmx_headers, log_in, make_member
from tests.helpers import fresh, last_event


def _refusal(response: object) -> str:
    found = BeautifulSoup(getattr(response, "text", ""), "html.parser").select_one(
        "[data-testid=refusal]"
    )
    assert found is not None, "the answer shows no refusal"
    return found.get_text(" ", strip=True)


def test_a_single_post_with_the_accounts_email_does_not_link_the_card(
    client: TestClient, personas: Personas, session: Session
) -> None:
    library = Organization(
        name="Bibliotheek", company_code="BIB", country="NL", language="en", isil="NL-1234AB"
    )
    session.add(library)
    session.commit()
    anne = make_member(session, library, email="anne@example.nl", tax_code="X1")
    account = LoginAccount(organization=library, username="20010045", login_email="bob@example.nl")
    session.add(account)
    session.commit()
    log_in(client, "olivia")

    response = client.post(
        f"/admin/do/members/{anne.id}/link_card",
        headers=htmx_headers(client),
        data={"card_number": "20010045", "confirmed_email": "bob@example.nl", "step": "x.y.z"},
    )

    assert "Find the account again" in _refusal(response)
    fresh(session).refresh(account)
    assert account.member_id is None
    assert last_event(session, "login_account.link_card").outcome == Outcome.REFUSED


def _pair(session: Session, events: int = 2) -> tuple[Client, Client]:
    source = Client(client_number="C000002", legal_name="Mairie de Toulon Ouest")
    target = Client(client_number="C000001", legal_name="Mairie de Toulon")
    session.add_all([source, target])
    session.flush()
    session.add_all([ClientEvent(client_id=source.id, description="c") for _ in range(events)])
    session.commit()
    return source, target


def test_a_merge_confirmed_without_its_preview_is_refused(
    client: TestClient, personas: Personas, session: Session
) -> None:
    source, _target = _pair(session)
    ids = ",".join(str(i) for i in fresh(session).scalars(select(ClientEvent.id)))
    log_in(client, "olivia")

    response = client.post(
        f"/admin/do/clients/{source.id}/merge",
        headers=htmx_headers(client),
        data={"target": "C000001", "expected": ids, "step": "forged"},
    )

    assert "Preview the merge again" in _refusal(response)
    assert fresh(session).scalar(select(func.count()).select_from(ClientMerge)) == 0
    assert last_event(session, "client.merge").outcome == Outcome.REFUSED


def test_a_delete_typed_without_its_form_is_refused(
    client: TestClient, personas: Personas, session: Session
) -> None:
    source, _target = _pair(session, events=0)
    log_in(client, "olivia")

    response = client.post(
        f"/admin/do/clients/{source.id}/delete",
        headers=htmx_headers(client),
        data={"confirmation": "C000002"},
    )

    assert "Open the deletion form again" in _refusal(response)
    fresh(session).expunge_all()
    assert session.get(Client, source.id) is not None
    assert last_event(session, "client.delete").outcome == Outcome.REFUSED


def test_a_login_account_delete_typed_without_its_form_is_refused(
    client: TestClient, personas: Personas, session: Session
) -> None:
    library = Organization(name="Bibliotheek", company_code="BIB", country="NL", language="en")
    session.add(library)
    session.commit()
    account = LoginAccount(organization=library, username="dupont.jean", login_email="j@x.org")
    session.add(account)
    session.commit()
    log_in(client, "olivia")

    response = client.post(
        f"/admin/do/login_accounts/{account.id}/delete",
        headers=htmx_headers(client),
        data={"confirmation": "dupont.jean"},
    )

    assert "Open the deletion form again" in _refusal(response)
    fresh(session).expunge_all()
    assert session.get(LoginAccount, account.id) is not None
    assert last_event(session, "login_account.delete").outcome == Outcome.REFUSED
