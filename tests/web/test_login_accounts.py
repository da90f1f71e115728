"""Login-account row actions through HTTP: generate, delete (link card: test_link_card.py)."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import AccountState, LoginAccount, Member, Organization
from tests.conftest import htmx_headers
from tests.helpers import fresh, outbox
from tests.web.conftest import page_of


def test_generate_creates_the_account_and_queues_its_activation_mail(
    signed_in: TestClient, session: Session, customer: Member
) -> None:
    response = signed_in.post(
        f"/admin/do/members/{customer.id}/generate_account", headers=htmx_headers(signed_in)
    )

    assert response.status_code == 200
    assert [m.recipient for m in outbox(session)] == ["anne@example.nl"]
    account = session.query(LoginAccount).one()
    assert (account.member_id, account.state) == (customer.id, AccountState.PENDING_ACTIVATION)


def test_delete_refuses_without_the_typed_username_and_keeps_what_was_typed(
    signed_in: TestClient, session: Session, library: Organization
) -> None:
    account = LoginAccount(
        organization=library, username="DUPONT.jean", login_email="j@example.org"
    )
    session.add(account)
    session.commit()
    headers = htmx_headers(signed_in)
    url = f"/admin/do/login_accounts/{account.id}/delete"
    step = page_of(signed_in.get(url, headers=headers)).select_one("input[name=step]")["value"]

    refused = signed_in.post(url, headers=headers, data={"confirmation": "dupont", "step": step})
    assert page_of(refused).select_one("input[name=confirmation]")["value"] == "dupont"
    deleted = signed_in.post(
        url, headers=headers, data={"confirmation": "dupont.jean", "step": step}
    )

    assert deleted.status_code == 200
    assert page_of(deleted).select_one("[data-testid=outcome]") is not None
    assert fresh(session).query(LoginAccount).count() == 0


def test_the_activation_link_lets_the_member_choose_a_password_once(
    signed_in: TestClient, session: Session, customer: Member
) -> None:
    signed_in.post(
        f"/admin/do/members/{customer.id}/generate_account", headers=htmx_headers(signed_in)
    )
    link = outbox(session)[0].body.split("http://testserver", 1)[1].split()[0]

    weak = signed_in.post(link, data={"password": "weakpass"})
    strong = signed_in.post(link, data={"password": "Strong2026!"})
    again = signed_in.get(link)

    assert weak.status_code == 400 and "upper-case" in weak.text
    assert strong.status_code == 200
    assert again.status_code == 400 and "not valid any more" in again.text
    assert fresh(session).query(LoginAccount).one().state == AccountState.ACTIVE


def test_the_login_email_of_a_pin_organisation_is_refused_with_the_way_out(
    signed_in: TestClient, session: Session, organization: Organization
) -> None:
    from models import CredentialPolicy

    organization.credential_policy = CredentialPolicy.PIN
    account = LoginAccount(
        organization=organization, username="mario", login_email="mario@example.org"
    )
    session.add(account)
    session.commit()

    response = signed_in.post(
        f"/admin/do/login_accounts/{account.id}/change_email",
        headers=htmx_headers(signed_in),
        data={"login_email": "new@example.org"},
    )

    refusal = page_of(response).select_one("[data-testid=refusal]")
    assert refusal is not None and "register again" in refusal.text
    assert page_of(response).select_one("input[name=login_email]")["value"] == "new@example.org"
    session.refresh(account)
    assert account.login_email == "mario@example.org"
