from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import Member, Organization
from tests.conftest import Personas, log_in, make_member
from tests.helpers import mrossi_account


def test_the_box_answers_with_the_best_matches_as_a_fragment(
    client: TestClient, personas: Personas, session: Session, organization: Organization
) -> None:
    member = make_member(session, organization, mobile="+393331234567")
    log_in(client, "olivia")

    response = client.get(
        "/admin/lookup", params={"q": "333 123 4567"}, headers={"HX-Request": "true"}
    )

    soup = BeautifulSoup(response.text, "html.parser")
    assert "<html" not in response.text
    assert [(a["data-kind"], a["data-id"]) for a in soup.select("[data-testid=lookup-hit]")] == [
        ("member", str(member.id))
    ]


def test_enter_opens_the_best_match(
    client: TestClient, personas: Personas, pending_member: Member
) -> None:
    log_in(client, "olivia")

    response = client.get(
        "/admin/lookup/go", params={"q": "rssmra85t10a562s"}, follow_redirects=False
    )

    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/admin/members/detail?pk={pending_member.id}")


def test_nothing_found_says_what_to_do(client: TestClient, personas: Personas) -> None:
    log_in(client, "olivia")

    response = client.get("/admin/lookup/go", params={"q": "nobody at all"})

    assert response.status_code == 200
    assert (
        BeautifulSoup(response.text, "html.parser").select_one("[data-testid=lookup-none]")
        is not None
    )


def test_the_box_is_on_every_page(client: TestClient, personas: Personas) -> None:
    log_in(client, "olivia")

    for url in ("/admin/", "/admin/members/list", "/admin/outbox/list"):
        assert BeautifulSoup(client.get(url).text, "html.parser").select_one(
            "[data-testid=lookup]"
        ), url


def test_the_lookup_gives_nothing_without_a_session(
    client: TestClient, pending_member: Member
) -> None:
    for url in ("/admin/lookup?q=rossi", "/admin/lookup/go?q=rossi"):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303 and "Rossi" not in response.text


def test_a_member_found_by_mobile_offers_the_phone_code_of_their_login_account(
    client: TestClient, personas: Personas, session: Session, organization: Organization
) -> None:
    account = mrossi_account(session, organization, mobile="+393331234567")
    log_in(client, "olivia")

    response = client.get(
        "/admin/lookup", params={"q": "+39 333 123 4567"}, headers={"HX-Request": "true"}
    )

    soup = BeautifulSoup(response.text, "html.parser")
    [row] = soup.select("[data-testid=lookup-account]")
    assert row["data-sa-pk"] == str(account.id)  # the phone-code form answers with this row
    assert "mrossi" in row.text and "Mario Rossi" in row.text
    send = row.select_one("[data-testid=lookup-send-phone-code]")
    assert send is not None and send["hx-get"].endswith(
        f"/do/login_accounts/{account.id}/send_phone_code"
    )
    assert row.select_one("[data-testid=lookup-confirm-phone-code]") is not None
    form = client.get(send["hx-get"], headers={"HX-Request": "true"})
    assert BeautifulSoup(form.text, "html.parser").select_one("[data-testid=confirm]")


def test_a_member_found_otherwise_or_without_account_offers_no_account_actions(
    client: TestClient, personas: Personas, session: Session, organization: Organization
) -> None:
    mrossi_account(session, organization, mobile="+393331234567")
    make_member(session, organization, mobile="+393337654321", tax_code="X1", email="b@x.org")
    log_in(client, "olivia")

    for query in ("rssmra85t10a562s", "333 765 4321"):
        response = client.get("/admin/lookup", params={"q": query}, headers={"HX-Request": "true"})
        soup = BeautifulSoup(response.text, "html.parser")
        assert soup.select("[data-testid=lookup-hit]"), query
        assert soup.select("[data-testid=lookup-account]") == [], query
