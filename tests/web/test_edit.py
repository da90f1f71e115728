"""Plain edits through the member form: audited as the operator, never overwriting a
colleague's change."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import Member
from tests.conftest import Personas, log_in
from tests.helpers import fresh, last_event
from tests.web.forms import form_holding


def _form(client: TestClient, member: Member) -> dict[str, str]:
    soup = BeautifulSoup(client.get(f"/admin/members/edit?pk={member.id}").text, "html.parser")
    values = form_holding(soup, "first_name")
    values["organization"] = str(member.organization_id)  # a select2 filled by script
    return values


def test_an_edit_through_the_form_is_audited_as_the_operator(
    client: TestClient, personas: Personas, pending_member: Member, session: Session
) -> None:
    log_in(client, "olivia")
    values = _form(client, pending_member) | {"address": "Via Nuova 2, Roma"}

    response = client.post(
        f"/admin/members/edit?pk={pending_member.id}", data=values, follow_redirects=False
    )

    assert response.status_code == 303, response.text[:500]
    event = last_event(session, "member.edit")
    assert event.operator_username == "olivia"
    assert event.before == {"address": "Via Roma 1, Roma"}
    assert event.after == {"address": "Via Nuova 2, Roma"}


def test_a_stale_form_is_refused_instead_of_overwriting_a_colleagues_change(
    client: TestClient, personas: Personas, pending_member: Member, session: Session
) -> None:
    log_in(client, "olivia")
    olivias_form = _form(client, pending_member)
    colleagues_form = _form(client, pending_member)
    saved = client.post(
        f"/admin/members/edit?pk={pending_member.id}",
        data=colleagues_form | {"address": "Colleague's address"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text[:300]

    response = client.post(
        f"/admin/members/edit?pk={pending_member.id}",
        data=olivias_form | {"address": "Olivia's address"},
    )

    assert response.status_code == 422
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.select_one("[data-testid=conflict]") is not None
    assert soup.select_one("input[name=address]")["value"] == "Olivia's address"
    fresh(session).refresh(pending_member)
    assert pending_member.address == "Colleague's address"


def test_a_wrong_tax_code_is_refused_with_the_reason_and_kept_in_the_form(
    client: TestClient, personas: Personas, pending_member: Member, session: Session
) -> None:
    log_in(client, "olivia")
    values = _form(client, pending_member) | {"tax_code": "RSSMRA85T10A562T"}

    response = client.post(f"/admin/members/edit?pk={pending_member.id}", data=values)

    assert response.status_code == 422
    soup = BeautifulSoup(response.text, "html.parser")
    assert "check character" in soup.select_one("#tax_code-error").text
    assert soup.select_one("input[name=tax_code]")["value"] == "RSSMRA85T10A562T"
    fresh(session).refresh(pending_member)
    assert pending_member.tax_code == "RSSMRA85T10A562S"


def test_a_tax_code_and_a_mobile_are_stored_in_their_normal_form(
    client: TestClient, personas: Personas, pending_member: Member, session: Session
) -> None:
    log_in(client, "olivia")
    values = _form(client, pending_member) | {
        "tax_code": "rss mra 85t10 a562s",
        "mobile": "0039 333 123 4567",
    }

    response = client.post(
        f"/admin/members/edit?pk={pending_member.id}", data=values, follow_redirects=False
    )

    assert response.status_code == 303
    fresh(session).refresh(pending_member)
    assert (pending_member.tax_code, pending_member.mobile) == ("RSSMRA85T10A562S", "+393331234567")
