"""My recent actions (/admin/mine): an operator's own events, today or these 7 days, with
outcomes, the record and the message; never an address or a browser."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from actions.my_actions import PAGE_SIZE
from models import AuditEvent, Member, Organization, Outcome, utcnow
from tests.conftest import Personas, log_in, make_member

SECRET_IP = "203.0.113.77"
SECRET_BROWSER = "Mozilla/5.0 FirefoxOfTheDesk"


def _event(session: Session, username: str, action: str, **values: Any) -> AuditEvent:
    event = AuditEvent(
        operator_username=username,
        operator_role="operator",
        action=action,
        ip=SECRET_IP,
        user_agent=SECRET_BROWSER,
        prev_hash="",
        hash="",
        **{"outcome": Outcome.SUCCESS, **values},
    )
    session.add(event)
    session.commit()
    return event


def _rows(response: Any) -> list[Tag]:
    """The events shown, but the signing in of the test's persona."""
    assert response.status_code == 200, response.text
    rows = BeautifulSoup(response.text, "html.parser").select("[data-testid=my-event]")
    return [row for row in rows if row["data-action"] != "operator.login"]


@pytest.fixture
def member(session: Session, organization: Organization) -> Member:
    return make_member(session, organization)


def test_an_operator_sees_only_their_own_events_newest_first(
    client: TestClient, personas: Personas, session: Session
) -> None:
    first = _event(session, "olivia", "member.validate")
    _event(session, "sam", "member.validate")
    second = _event(session, "olivia", "member.resend_password")
    log_in(client, "olivia")

    rows = _rows(client.get("/admin/mine"))

    assert [row["data-event-id"] for row in rows] == [str(second.id), str(first.id)]


def test_today_is_the_default_and_seven_days_reach_further(
    client: TestClient, personas: Personas, session: Session
) -> None:
    now = utcnow()
    _event(session, "olivia", "member.validate", at=now - dt.timedelta(days=10))
    three_days = _event(session, "olivia", "member.validate", at=now - dt.timedelta(days=3))
    today = _event(session, "olivia", "member.resend_password")
    log_in(client, "olivia")

    default = _rows(client.get("/admin/mine"))
    week = _rows(client.get("/admin/mine?window=7d"))

    assert [row["data-event-id"] for row in default] == [str(today.id)]
    assert [row["data-event-id"] for row in week] == [str(today.id), str(three_days.id)]


def test_a_refused_action_shows_as_refused_with_its_message(
    client: TestClient, personas: Personas, session: Session
) -> None:
    _event(
        session,
        "olivia",
        "member.validate",
        outcome=Outcome.REFUSED,
        message="Dues must be paid for 2026.",
    )
    log_in(client, "olivia")

    [row] = _rows(client.get("/admin/mine"))

    assert row["data-outcome"] == "refused"
    assert row.select_one("[data-testid=my-event-outcome]").text == "refused"  # type: ignore[union-attr]
    assert "Dues must be paid" in row.select_one("[data-testid=my-event-message]").text  # type: ignore[union-attr]
    assert "Validate" in row.select_one("[data-testid=my-event-action]").text  # type: ignore[union-attr]


def test_the_record_is_a_link_to_its_page(
    client: TestClient, personas: Personas, session: Session, member: Member
) -> None:
    _event(session, "olivia", "member.validate", entity_type="member", entity_id=str(member.id))
    log_in(client, "olivia")

    [row] = _rows(client.get("/admin/mine"))

    link = row.select_one("[data-testid=my-event-record] a")
    assert link is not None and link["href"].endswith(f"/admin/members/detail?pk={member.id}")


def test_the_page_shows_no_address_and_no_browser(
    client: TestClient, personas: Personas, session: Session
) -> None:
    _event(session, "olivia", "member.validate")
    log_in(client, "olivia")

    page = client.get("/admin/mine")

    assert len(_rows(page)) == 1
    assert SECRET_IP not in page.text and SECRET_BROWSER not in page.text


def test_the_action_select_narrows_the_page(
    client: TestClient, personas: Personas, session: Session
) -> None:
    _event(session, "olivia", "member.validate")
    resent = _event(session, "olivia", "member.resend_password")
    log_in(client, "olivia")

    page = client.get("/admin/mine?action=member.resend_password")

    assert [row["data-event-id"] for row in _rows(page)] == [str(resent.id)]
    options = BeautifulSoup(page.text, "html.parser").select("[data-testid=my-action] option")
    values = {str(o["value"]) for o in options}
    assert {"", "member.validate", "member.resend_password"} <= values
    assert not {value for value in values if value.startswith("member.")} - {
        "member.validate",
        "member.resend_password",
    }


def test_older_actions_come_a_page_at_a_time(
    client: TestClient, personas: Personas, session: Session
) -> None:
    made = [_event(session, "olivia", "member.validate") for _ in range(PAGE_SIZE + 3)]
    log_in(client, "olivia")

    first = client.get("/admin/mine")
    older = BeautifulSoup(first.text, "html.parser").select_one("[data-testid=my-older]")
    assert older is not None
    second = client.get(str(older["href"]))

    shown = [int(row["data-event-id"]) for row in _rows(first) + _rows(second)]
    assert shown == [event.id for event in reversed(made)]
    assert BeautifulSoup(second.text, "html.parser").select_one("[data-testid=my-older]") is None


@pytest.mark.parametrize(
    "query",
    ["window=year", "before=abc", "before=-1", "before=99999999999", "action=" + "x" * 81],
)
def test_a_malformed_address_gets_a_clear_answer(
    client: TestClient, personas: Personas, query: str
) -> None:
    log_in(client, "olivia")

    response = client.get(f"/admin/mine?{query}")

    assert response.status_code == 400
    outcome = BeautifulSoup(response.text, "html.parser").select_one("[data-testid=outcome]")
    assert outcome is not None and outcome.text.strip()


def test_every_role_has_its_own_page(
    client: TestClient, personas: Personas, session: Session
) -> None:
    mine = _event(session, "ada", "operator.unlock")
    log_in(client, "ada")

    assert [row["data-event-id"] for row in _rows(client.get("/admin/mine"))] == [str(mine.id)]


def test_nobody_signed_in_is_sent_to_the_login(client: TestClient) -> None:
    response = client.get("/admin/mine", follow_redirects=False)

    assert response.status_code in (302, 303)
    assert "/login" in response.headers["location"]
