"""The member list, the validation queue and the two row actions, through HTTP."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import Member, MemberState, Organization, OutboxMessage, Outcome
from tests.conftest import Personas, htmx_headers, log_in, make_member
from tests.helpers import fresh, last_event, outbox


def _rows(html: str) -> dict[str, BeautifulSoup]:
    soup = BeautifulSoup(html, "html.parser")
    return {tr["data-sa-pk"]: tr for tr in soup.select("tr[data-sa-pk]")}


def _state(row: BeautifulSoup) -> str:
    badge = row.select_one("[data-state]")
    assert badge is not None
    return str(badge["data-state"])


@pytest.fixture
def members(session: Session, organization: Organization) -> dict[str, Member]:
    return {
        "pending": make_member(session, organization),
        "incomplete_pending": make_member(
            session,
            organization,
            first_name="Luca",
            tax_code="LCU1",
            email="luca@example.org",
            address=None,
        ),
        "validated": make_member(
            session,
            organization,
            first_name="Anna",
            last_name="Verdi",
            tax_code="VRDNNA",
            email="anna.verdi@example.org",
            state=MemberState.VALIDATED,
            dues_year=2026,
        ),
        "no_email": make_member(
            session,
            organization,
            first_name="Giulia",
            last_name="Bianchi",
            tax_code="BNCGLI",
            email=None,
        ),
    }


@pytest.fixture
def signed_in(client: TestClient, personas: Personas) -> TestClient:
    log_in(client, "olivia")
    return client


def test_the_list_marks_pending_members_for_the_yellow_highlight(
    signed_in: TestClient, members: dict[str, Member]
) -> None:
    rows = _rows(signed_in.get("/admin/members/list?page_size=50").text)

    assert _state(rows[str(members["pending"].id)]) == "pending"
    assert _state(rows[str(members["validated"].id)]) == "validated"
    stylesheet = signed_in.get("/static/sportello.css").text
    assert 'tr:has([data-state="pending"])' in stylesheet


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("Verdi", "validated"),
        ("anna.verdi@", "validated"),
        ("VRDNNA", "validated"),
        ("bianchi", "no_email"),
    ],
)
def test_the_list_searches_name_email_and_tax_code(
    signed_in: TestClient, members: dict[str, Member], term: str, expected: str
) -> None:
    rows = _rows(signed_in.get("/admin/members/list", params={"q": term}).text)

    assert list(rows) == [str(members[expected].id)]


def test_the_validation_queue_shows_only_pending_members_with_complete_information(
    signed_in: TestClient, members: dict[str, Member]
) -> None:
    rows = _rows(signed_in.get("/admin/validation/list").text)

    assert set(rows) == {str(members["pending"].id), str(members["no_email"].id)}


def test_a_list_page_issues_the_same_number_of_queries_whatever_its_size(
    signed_in: TestClient, session: Session, organization: Organization, engine: Engine
) -> None:
    for index in range(60):
        make_member(session, organization, tax_code=f"T{index}", email=f"m{index}@example.org")

    def queries(page_size: int) -> int:
        statements: list[str] = []

        def listener(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(engine, "before_cursor_execute", listener)
        try:
            response = signed_in.get(f"/admin/members/list?page_size={page_size}")
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert len(_rows(response.text)) == page_size
        return len(statements)

    small, large = queries(10), queries(50)
    assert small == large
    assert large <= 6


def test_validate_through_htmx_replaces_the_row(
    signed_in: TestClient, members: dict[str, Member], session: Session
) -> None:
    headers = htmx_headers(signed_in)
    pk = members["pending"].id
    form = signed_in.get(f"/admin/do/members/{pk}/validate", headers=headers)
    assert "<html" not in form.text  # a fragment, not a page
    assert BeautifulSoup(form.text, "html.parser").select_one("[data-testid=validate-form]")

    response = signed_in.post(
        f"/admin/do/members/{pk}/validate", headers=headers, data={"dues_year": "2026"}
    )

    assert response.status_code == 200
    assert _state(_rows(response.text)[str(pk)]) == "validated"
    assert BeautifulSoup(response.text, "html.parser").select_one("[data-testid=outcome]")
    assert last_event(session, "member.validate").outcome == Outcome.SUCCESS


def test_a_refused_validation_shows_its_reason_in_the_panel_and_keeps_the_input(
    signed_in: TestClient, members: dict[str, Member], session: Session
) -> None:
    headers = htmx_headers(signed_in)
    pk = members["incomplete_pending"].id

    response = signed_in.post(
        f"/admin/do/members/{pk}/validate",
        headers=headers,
        data={"dues_year": "2026", "reason": "called today"},
    )

    assert response.status_code == 200
    assert response.headers["hx-retarget"] == "#action-panel"
    soup = BeautifulSoup(response.text, "html.parser")
    assert "address" in soup.select_one("[data-testid=refusal]").text
    assert soup.select_one("input[name=reason]")["value"] == "called today"
    assert last_event(session, "member.validate").outcome == Outcome.REFUSED


def test_validate_works_as_a_plain_form_without_javascript(
    signed_in: TestClient, members: dict[str, Member], session: Session
) -> None:
    pk = members["pending"].id
    page = signed_in.get(f"/admin/do/members/{pk}/validate")
    assert "<html" in page.text
    token = BeautifulSoup(page.text, "html.parser").select_one("input[name=csrftoken]")["value"]

    response = signed_in.post(
        f"/admin/do/members/{pk}/validate",
        data={"dues_year": "2026", "csrftoken": token},
        follow_redirects=False,
    )

    assert response.status_code == 303
    fresh(session).expire_all()
    assert session.get(Member, pk).state == MemberState.VALIDATED


def test_resend_password_asks_for_the_missing_email_then_sends(
    signed_in: TestClient, members: dict[str, Member], session: Session
) -> None:
    headers = htmx_headers(signed_in)
    pk = members["no_email"].id
    form = BeautifulSoup(
        signed_in.get(f"/admin/do/members/{pk}/resend_password", headers=headers).text,
        "html.parser",
    )
    key = form.select_one("input[name=request_key]")["value"]
    assert form.select_one("input[name=email]") is not None

    refused = signed_in.post(
        f"/admin/do/members/{pk}/resend_password",
        headers=headers,
        data={"email": "giulia@", "request_key": key},
    )
    soup = BeautifulSoup(refused.text, "html.parser")
    assert soup.select_one("[data-testid=refusal]") is not None
    assert soup.select_one("input[name=email]")["value"] == "giulia@"
    assert outbox(session) == []

    sent = signed_in.post(
        f"/admin/do/members/{pk}/resend_password",
        headers=headers,
        data={"email": "giulia.bianchi@example.org", "request_key": key},
    )
    again = signed_in.post(
        f"/admin/do/members/{pk}/resend_password",
        headers=headers,
        data={"email": "giulia.bianchi@example.org", "request_key": key},
    )

    assert sent.status_code == again.status_code == 200
    assert [m.recipient for m in outbox(session)] == ["giulia.bianchi@example.org"]
    fresh(session).expire_all()
    assert session.get(Member, pk).email == "giulia.bianchi@example.org"


def test_the_outbox_lists_the_mail_without_its_secret_body(
    signed_in: TestClient, members: dict[str, Member], session: Session
) -> None:
    headers = htmx_headers(signed_in)
    signed_in.post(
        f"/admin/do/members/{members['pending'].id}/resend_password",
        headers=headers,
        data={"request_key": "x"},
    )
    message = session.scalar(select(OutboxMessage))
    assert message is not None

    page = signed_in.get(f"/admin/outbox/detail?pk={message.id}").text

    assert "mario.rossi@example.org" in page
    assert "/reset/" not in page


def test_an_operator_sees_no_audit_menu_but_a_supervisor_does(
    client: TestClient, personas: Personas
) -> None:
    log_in(client, "olivia")
    assert "/admin/audit/list" not in client.get("/admin/").text
    client.post("/admin/logout", headers=htmx_headers(client))
    log_in(client, "sam")
    assert "/admin/audit/list" in client.get("/admin/").text


def test_the_console_speaks_italian_to_an_italian_browser(
    client: TestClient, personas: Personas, members: dict[str, Member]
) -> None:
    log_in(client, "olivia")

    page = client.get("/admin/members/list", headers={"Accept-Language": "it-IT,it;q=0.9"}).text

    assert '<html lang="it"' in page


def test_the_operators_own_choice_wins_over_the_browser(
    client: TestClient, personas: Personas, members: dict[str, Member]
) -> None:
    log_in(client, "olivia")
    client.cookies.set("language", "en")

    page = client.get("/admin/members/list", headers={"Accept-Language": "it-IT,it;q=0.9"}).text

    assert '<html lang="en"' in page
