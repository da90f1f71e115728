"""List filters an operator and a supervisor rely on."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from actions.context import Actor
from actions.errors import Refused
from actions.validate import validate
from models import Member, MemberState, Organization
from tests.conftest import Personas, log_in, make_member


def _cells(html: str, column: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [
        td.get_text(strip=True) for td in soup.select(f"tr[data-sa-pk] td[data-column={column}]")
    ]


@pytest.fixture
def trail(
    session: Session, personas: Personas, olivia: Actor, sam: Actor, organization: Organization
) -> Member:
    member = make_member(session, organization)
    other = make_member(session, organization, tax_code="OTHER", state=MemberState.VALIDATED)
    validate(session, olivia, member.id)
    with pytest.raises(Refused):  # the refusal is what is audited
        validate(session, sam, other.id)
    session.commit()
    return member


@pytest.mark.parametrize(
    ("rule", "column", "expected"),
    [
        ({"operator": "olivia"}, "operator_username", {"olivia"}),
        ({"action": "member.validate"}, "action", {"member.validate"}),
        ({"outcome": "refused"}, "operator_username", {"sam"}),
    ],
)
def test_a_supervisor_filters_the_audit_trail(
    client: TestClient, trail: Member, rule: dict[str, str], column: str, expected: set[str]
) -> None:
    log_in(client, "sam")

    page = client.get("/admin/audit/list", params=rule)

    assert page.status_code == 200
    assert set(_cells(page.text, column)) == expected


def test_a_supervisor_filters_the_audit_trail_by_date(client: TestClient, trail: Member) -> None:
    log_in(client, "sam")
    today = dt.datetime.now(dt.UTC).date()

    past = client.get(
        "/admin/audit/list",
        params={"window": "range", "since": "2020-01-01", "until": "2020-12-31"},
    )
    now = client.get(
        "/admin/audit/list", params={"window": "range", "since": f"{today}", "until": f"{today}"}
    )

    assert _cells(past.text, "action") == []
    assert "member.validate" in _cells(now.text, "action")


def test_an_operator_filters_members_by_state(
    client: TestClient, personas: Personas, session: Session, organization: Organization
) -> None:
    make_member(session, organization, tax_code="A", state=MemberState.PENDING)
    make_member(session, organization, tax_code="B", state=MemberState.VALIDATED)
    log_in(client, "olivia")

    page = client.get("/admin/members/list", params={"filter": "state__in=validated"})

    soup = BeautifulSoup(page.text, "html.parser")
    assert {b["data-state"] for b in soup.select("tr[data-sa-pk] [data-state]")} == {"validated"}


def test_an_operator_filters_members_by_organisation(
    client: TestClient, personas: Personas, session: Session, organization: Organization
) -> None:
    other = Organization(name="Secours Var", company_code="VAR")
    session.add(other)
    session.commit()
    make_member(session, organization, tax_code="A")
    theirs = make_member(session, other, tax_code="B")
    log_in(client, "olivia")

    page = client.get("/admin/members/list", params={"filter": f"organization__in={other.id}"})

    soup = BeautifulSoup(page.text, "html.parser")
    assert page.status_code == 200
    assert [tr["data-sa-pk"] for tr in soup.select("tr[data-sa-pk]")] == [str(theirs.id)]


def test_the_member_search_matches_every_word_typed(
    client: TestClient, personas: Personas, session: Session, organization: Organization
) -> None:
    mario = make_member(session, organization, tax_code="A")
    make_member(session, organization, tax_code="B", first_name="Giulia", email="g@example.org")
    log_in(client, "olivia")

    page = client.get("/admin/members/list", params={"q": "mario ROSSI"})

    soup = BeautifulSoup(page.text, "html.parser")
    assert [tr["data-sa-pk"] for tr in soup.select("tr[data-sa-pk]")] == [str(mario.id)]


def test_a_superscript_digit_in_an_organisation_filter_is_refused_not_a_server_error(
    client: TestClient, personas: Personas
) -> None:
    log_in(client, "olivia")

    page = client.get("/admin/members/list", params={"filter": "organization__in=²"})

    assert page.status_code < 500
