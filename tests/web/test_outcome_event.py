"""An action's outcome names the audit event that records it: a link to the event's page
for a supervisor, the number and the operator's own trail for an operator; a refusal names
the event that recorded it."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup, Tag
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import AuditEvent, Member, Organization, Outcome
from tests.conftest import Personas, htmx_headers, log_in, make_member
from tests.helpers import last_event

LIST = "http://testserver/admin/members/list"


@pytest.fixture
def member(session: Session, organization: Organization) -> Member:
    return make_member(session, organization)


@pytest.fixture
def incomplete(session: Session, organization: Organization) -> Member:
    return make_member(session, organization, first_name="Luca", tax_code="LCU1", address=None)


def _validate(client: TestClient, pk: int, current: str) -> BeautifulSoup:
    headers = htmx_headers(client) | {"HX-Current-URL": current}
    response = client.post(
        f"/admin/do/members/{pk}/validate", headers=headers, data={"dues_year": "2026"}
    )
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def _named(soup: BeautifulSoup) -> Tag:
    note = soup.select_one("[data-testid=outcome-event]")
    assert note is not None, "the answer names no audit event"
    return note


def test_a_row_action_on_a_list_names_its_event_with_a_link_for_a_supervisor(
    client: TestClient, personas: Personas, session: Session, member: Member
) -> None:
    log_in(client, "sam")

    soup = _validate(client, member.id, LIST)

    recorded = last_event(session, "member.validate")
    assert recorded.outcome == Outcome.SUCCESS
    note = _named(soup.select_one("tr.sportello-outcome-row"))
    assert f"Recorded as audit event {recorded.id}." in " ".join(note.text.split())
    link = note.select_one("[data-testid=outcome-event-link]")
    assert link is not None and link["href"].endswith(f"/admin/audit/detail?pk={recorded.id}")
    assert note.select_one("[data-testid=outcome-mine-link]") is None


def test_an_operator_reads_the_number_without_a_link_and_finds_their_own_trail(
    client: TestClient, personas: Personas, session: Session, member: Member
) -> None:
    log_in(client, "olivia")

    soup = _validate(client, member.id, LIST)

    recorded = last_event(session, "member.validate")
    note = _named(soup)
    assert f"Recorded as audit event {recorded.id}." in " ".join(note.text.split())
    assert note.select_one("[data-testid=outcome-event-link]") is None
    assert not [a for a in soup.select("a") if "/admin/audit/" in a.get("href", "")]
    mine = note.select_one("[data-testid=outcome-mine-link]")
    assert mine is not None and mine["href"].endswith("/admin/mine")


def test_the_panel_of_a_record_page_names_the_event(
    client: TestClient, personas: Personas, session: Session, member: Member
) -> None:
    log_in(client, "ada")
    page = f"http://testserver/admin/members/detail?pk={member.id}"

    soup = _validate(client, member.id, page)

    recorded = last_event(session, "member.validate")
    assert soup.select_one("tr.sportello-outcome-row") is None  # the panel, not a row
    note = _named(soup.select_one("[data-testid=outcome]"))
    assert note["data-event-id"] == str(recorded.id)
    link = note.select_one("[data-testid=outcome-event-link]")
    assert link is not None and link.text == str(recorded.id)


def test_a_refusal_names_the_event_that_recorded_it(
    client: TestClient, personas: Personas, session: Session, incomplete: Member
) -> None:
    log_in(client, "sam")

    soup = _validate(client, incomplete.id, LIST)

    recorded = last_event(session, "member.validate")
    assert recorded.outcome == Outcome.REFUSED
    refusal = soup.select_one("[data-testid=refusal]")
    assert refusal is not None and "address" in refusal.text
    note = _named(refusal)
    text = " ".join(note.text.split())
    assert f"The refusal was recorded as audit event {recorded.id}." in text
    link = note.select_one("[data-testid=outcome-event-link]")
    assert link is not None and link["href"].endswith(f"pk={recorded.id}")


def test_an_action_that_wrote_two_events_names_its_own(
    client: TestClient, personas: Personas, session: Session, organization: Organization
) -> None:
    """Resending a password to a member with no e-mail first fills the e-mail in (an event of
    its own), then sends: the outcome names the sending's event, written last."""
    member = make_member(session, organization, first_name="Giulia", tax_code="BNC", email=None)
    log_in(client, "olivia")
    headers = htmx_headers(client) | {"HX-Current-URL": LIST}

    sent = client.post(
        f"/admin/do/members/{member.id}/resend_password",
        headers=headers,
        data={"email": "giulia@example.org", "request_key": "k1"},
    )

    filled = last_event(session, "member.fill_in_email")
    resent = last_event(session, "member.resend_password")
    assert filled.id < resent.id
    note = _named(BeautifulSoup(sent.text, "html.parser"))
    assert note["data-event-id"] == str(resent.id)


def test_a_repeated_request_names_no_event_as_it_recorded_none(
    client: TestClient, personas: Personas, session: Session, member: Member
) -> None:
    """The same resend sent twice (a double click) sends one link and records one event: the
    second answer says so and names no event of its own."""
    log_in(client, "olivia")
    headers = htmx_headers(client) | {"HX-Current-URL": LIST}
    path = f"/admin/do/members/{member.id}/resend_password"
    first = client.post(path, headers=headers, data={"request_key": "twice"})

    again = client.post(path, headers=headers, data={"request_key": "twice"})

    resent = last_event(session, "member.resend_password")
    assert _named(BeautifulSoup(first.text, "html.parser"))["data-event-id"] == str(resent.id)
    soup = BeautifulSoup(again.text, "html.parser")
    assert "already sent" in soup.select_one("[data-testid=outcome]").text  # type: ignore[union-attr]
    assert soup.select_one("[data-testid=outcome-event]") is None


def test_a_plain_form_flashes_the_event_with_the_outcome(
    client: TestClient, personas: Personas, session: Session, member: Member
) -> None:
    log_in(client, "olivia")
    headers = {"X-CSRFToken": htmx_headers(client)["X-CSRFToken"]}

    response = client.post(
        f"/admin/do/members/{member.id}/validate", headers=headers, data={"dues_year": "2026"}
    )

    recorded = last_event(session, "member.validate")
    assert f"Recorded as audit event {recorded.id}." in " ".join(response.text.split())


def test_an_outcome_names_no_event_of_another_request(
    client: TestClient, personas: Personas, session: Session, member: Member
) -> None:
    """A form shown after an action names nothing: each request starts with none recorded."""
    log_in(client, "olivia")
    _validate(client, member.id, LIST)
    headers = htmx_headers(client)

    form = client.get(f"/admin/do/members/{member.id}/resend_password", headers=headers)

    assert BeautifulSoup(form.text, "html.parser").select_one("[data-testid=outcome-event]") is None
    assert session.get(AuditEvent, last_event(session, "member.validate").id) is not None


def test_enrolling_again_names_the_enrolment_not_the_cancellation(
    client: TestClient, personas: Personas, session: Session
) -> None:
    import datetime as dt

    from models import Training

    march = Training(training_type="PSC1", starts_on=dt.date(2027, 3, 1))
    april = Training(training_type="PSC1", starts_on=dt.date(2027, 4, 1))
    session.add_all([march, april])
    session.commit()
    log_in(client, "olivia")
    headers = htmx_headers(client) | {"HX-Current-URL": "http://testserver/admin/trainings/list"}
    trainee = {"trainee_name": "Jean Dupont", "trainee_email": "jean@example.fr"}
    client.post(f"/admin/do/trainings/{march.id}/enrol", headers=headers, data=trainee)

    again = client.post(f"/admin/do/trainings/{april.id}/enrol", headers=headers, data=trainee)

    enrolled = last_event(session, "enrollment.create")
    cancelled = last_event(session, "enrollment.cancel")
    assert cancelled.id < enrolled.id
    assert _named(BeautifulSoup(again.text, "html.parser"))["data-event-id"] == str(enrolled.id)
