from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import Member, Organization
from tests.conftest import Personas, log_in, make_member


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
