"""Link card's two steps through HTTP: the account found shows its e-mail and carries the
token that its confirmation posts back."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import LoginAccount, Member, Organization, Outcome
from tests.conftest import htmx_headers
from tests.helpers import fresh, last_event
from tests.web.conftest import page_of


def test_link_card_shows_the_email_before_linking(
    signed_in: TestClient, session: Session, library: Organization, customer: Member
) -> None:
    account = LoginAccount(
        organization=library, username="NL-1234AB-20010045", login_email="anne@example.nl"
    )
    session.add(account)
    session.commit()
    headers = htmx_headers(signed_in)
    url = f"/admin/do/members/{customer.id}/link_card"

    step_one = signed_in.post(url, headers=headers, data={"card_number": "20010045"})

    assert step_one.headers["hx-retarget"] == "#action-panel"
    soup = page_of(step_one)
    assert soup.select_one("[data-testid=found-email]").text == "anne@example.nl"
    fresh(session).refresh(account)
    assert account.member_id is None

    confirmed = signed_in.post(
        url,
        headers=headers,
        data={"card_number": "20010045", "step": soup.select_one("input[name=step]")["value"]},
    )

    assert confirmed.status_code == 200 and "hx-retarget" not in confirmed.headers
    fresh(session).refresh(account)
    assert account.member_id == customer.id


def test_a_single_post_without_the_token_only_shows_the_account(
    signed_in: TestClient, session: Session, library: Organization, customer: Member
) -> None:
    account = LoginAccount(organization=library, username="20010045", login_email="bob@example.nl")
    session.add(account)
    session.commit()

    response = signed_in.post(
        f"/admin/do/members/{customer.id}/link_card",
        headers=htmx_headers(signed_in),
        data={"card_number": "20010045", "confirmed_email": "bob@example.nl"},
    )

    assert page_of(response).select_one("[data-testid=confirm]") is not None
    fresh(session).refresh(account)
    assert account.member_id is None


def test_a_forged_token_is_refused_with_what_to_do(
    signed_in: TestClient, session: Session, library: Organization, customer: Member
) -> None:
    account = LoginAccount(organization=library, username="20010045", login_email="anne@example.nl")
    session.add(account)
    session.commit()

    response = signed_in.post(
        f"/admin/do/members/{customer.id}/link_card",
        headers=htmx_headers(signed_in),
        data={"card_number": "20010045", "step": "forged"},
    )

    refusal = page_of(response).select_one("[data-testid=refusal]")
    assert refusal is not None and "Find the account again" in refusal.text
    assert page_of(response).select_one("[data-testid=card-number]")["value"] == "20010045"
    fresh(session).refresh(account)
    assert account.member_id is None
    assert last_event(session, "login_account.link_card").outcome == Outcome.REFUSED


def test_nothing_found_offers_generate_and_never_forget(
    signed_in: TestClient, customer: Member
) -> None:
    response = signed_in.post(
        f"/admin/do/members/{customer.id}/link_card",
        headers=htmx_headers(signed_in),
        data={"card_number": "404"},
    )

    soup = page_of(response)
    assert soup.select_one("[data-testid=offer-generate]") is not None
    assert "forget" not in soup.get_text().lower()
