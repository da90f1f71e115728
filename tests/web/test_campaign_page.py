"""A campaign's page books, and shows its report per agent or zone, in place: the booking form
answers with itself emptied under the outcome and the appointments listed again, a refusal
keeps what was typed, and the report adds up to the campaign's boxes."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from actions import appointments
from models import Appointment, Campaign, CampaignState, Organization
from tests.actions.test_appointments import generate, make_campaign
from tests.conftest import Personas, htmx_headers, log_in
from tests.helpers import fresh


@pytest.fixture
def campaign(session: Session, organization: Organization) -> Campaign:
    return make_campaign(session, organization, purchased=2)


def _in_page(client: TestClient, campaign: Campaign) -> dict[str, str]:
    return {
        **htmx_headers(client),
        "HX-Current-URL": f"http://testserver/admin/campaigns/detail?pk={campaign.id}",
    }


def _booking(campaign: Campaign, days: int, agent: int = 1, **extra: str) -> dict[str, str]:
    """A booking's form data: the campaign's agent-th agent, in days' time at 10:00."""
    day = dt.date.today() + dt.timedelta(days=days)
    return {
        "agent": str(campaign.agents[agent].id),
        "prospect": "Ferramenta Rossi",
        "address": "Via Roma 1, Macerata",
        "starts_at": f"{day.isoformat()}T10:00",
        **extra,
    }


def _book(client: TestClient, campaign: Campaign, days: int, **extra: str) -> BeautifulSoup:
    response = client.post(
        f"/admin/do/campaigns/{campaign.id}/book?place=page",
        data=_booking(campaign, days, **extra),
        headers=_in_page(client, campaign),
    )
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


def test_the_page_of_an_open_campaign_asks_for_its_booking_form_and_report(
    client: TestClient, personas: Personas, campaign: Campaign
) -> None:
    log_in(client, "olivia")

    soup = BeautifulSoup(
        client.get(f"/admin/campaigns/detail?pk={campaign.id}").text, "html.parser"
    )

    book = soup.select_one("#campaign-book")
    assert book["hx-get"].endswith(f"/admin/do/campaigns/{campaign.id}/book?place=page")
    report = soup.select_one("#campaign-report")
    assert report["hx-get"].endswith(f"/admin/campaigns/{campaign.id}/report")
    form = BeautifulSoup(
        client.get(book["hx-get"], headers=htmx_headers(client)).text, "html.parser"
    )
    assert form.select_one("html") is None
    assert form.select_one("form")["hx-post"].endswith("book?place=page")
    assert form.select_one("[name=form_token]")["value"]


def test_an_ended_campaigns_page_offers_no_booking(
    client: TestClient, personas: Personas, session: Session, campaign: Campaign
) -> None:
    campaign.state = CampaignState.ENDED
    session.commit()
    log_in(client, "olivia")

    soup = BeautifulSoup(
        client.get(f"/admin/campaigns/detail?pk={campaign.id}").text, "html.parser"
    )

    assert soup.select_one("#campaign-book") is None


def test_a_booking_from_the_page_empties_the_form_under_the_outcome_and_lists_it(
    client: TestClient, personas: Personas, session: Session, campaign: Campaign
) -> None:
    log_in(client, "olivia")
    headers = _in_page(client, campaign)
    token = BeautifulSoup(
        client.get(f"/admin/do/campaigns/{campaign.id}/book?place=page", headers=headers).text,
        "html.parser",
    ).select_one("[name=form_token]")["value"]

    soup = _book(client, campaign, 20, form_token=token)

    assert "booked" in soup.select_one("#campaign-book [data-testid=outcome]").text
    assert soup.select_one("#campaign-book #book-prospect")["value"] == ""
    assert soup.select_one("[name=form_token]")["value"] != token  # the next booking is new
    chosen = soup.select_one("#book-agent option[selected]")["value"]
    assert chosen == str(campaign.agents[1].id)
    booked = fresh(session).scalars(select(Appointment)).one()
    listed = soup.select_one("#campaign-appointments[hx-swap-oob=innerHTML]")
    assert listed.select_one(f"tr[data-sa-pk='{booked.id}']") is not None
    taken = soup.select_one("#campaign-boxes[hx-swap-oob] [data-testid=box-taken]")
    assert taken.text.strip() == "1"


def test_the_booking_answer_asks_the_boxes_and_the_report_again(
    client: TestClient, personas: Personas, campaign: Campaign
) -> None:
    log_in(client, "olivia")
    data = _booking(campaign, 20, agent=0, prospect="Bar Sport", address="Via Po 2")

    response = client.post(
        f"/admin/do/campaigns/{campaign.id}/book?place=page",
        data=data,
        headers=_in_page(client, campaign),
    )

    assert response.headers["HX-Trigger"] == "sportello-changed"
    assert "HX-Refresh" not in response.headers and "HX-Retarget" not in response.headers


def test_a_refused_booking_from_the_page_keeps_what_was_typed_in_place(
    client: TestClient, personas: Personas, session: Session, campaign: Campaign
) -> None:
    log_in(client, "olivia")

    soup = _book(client, campaign, 1, notes="chiamare")  # tomorrow at 10:00: always within 36 hours

    assert "36 hours" in soup.select_one("#campaign-book [data-testid=refusal]").text
    assert soup.select_one("#book-prospect")["value"] == "Ferramenta Rossi"
    assert soup.select_one("#book-notes")["value"] == "chiamare"
    assert "is-invalid" in soup.select_one("#book-starts-at")["class"]
    assert fresh(session).scalar(select(func.count(Appointment.id))) == 0


@pytest.mark.parametrize("by", ["agent", "zone"])
def test_the_report_on_the_page_adds_up_to_the_campaign_boxes(
    client: TestClient, personas: Personas, session: Session, organization: Organization, by: str
) -> None:
    campaign = generate(session, organization, seed=13)[0]
    boxes = appointments.counters(session, campaign).row()
    log_in(client, "olivia")

    response = client.get(
        f"/admin/campaigns/{campaign.id}/report?by={by}", headers=htmx_headers(client)
    )

    soup = BeautifulSoup(response.text, "html.parser")
    card = soup.select_one("#campaign-report")
    assert card["hx-get"].endswith(f"report?by={by}")
    assert "sportello-changed" in card["hx-trigger"]
    assert soup.select_one("[data-testid=campaign-report-by] option[selected]")["value"] == by
    for column in ("taken", "to_confirm", "cancelled", "done"):
        cells = soup.select(f"[data-testid=campaign-report-row] td[data-column={column}]")
        assert sum(int(cell.text) for cell in cells) == boxes[column]


def test_a_booking_from_the_panel_on_the_page_answers_with_the_boxes_in_the_same_answer(
    client: TestClient, personas: Personas, session: Session, campaign: Campaign
) -> None:
    """The Book row action's form on the campaign's page: its outcome goes to the panel, the
    boxes and the appointments change with it, with no page load."""
    log_in(client, "olivia")
    data = _booking(campaign, 20, agent=0, prospect="Bar Sport", address="Via Po 2")

    response = client.post(
        f"/admin/do/campaigns/{campaign.id}/book", data=data, headers=_in_page(client, campaign)
    )

    soup = BeautifulSoup(response.text, "html.parser")
    assert response.headers["HX-Retarget"] == "#action-panel"
    assert "booked" in soup.select_one("[data-testid=outcome]").text
    boxes = soup.select_one("#campaign-boxes[hx-swap-oob]")
    assert boxes.select_one("[data-testid=box-taken]").text.strip() == "1"
    assert boxes.select_one("[data-testid=box-remaining]").text.strip() == "1"
    booked = fresh(session).scalars(select(Appointment)).one()
    listed = soup.select_one("#campaign-appointments[hx-swap-oob]")
    assert listed.select_one(f"tr[data-sa-pk='{booked.id}']") is not None
    assert "HX-Refresh" not in response.headers


@pytest.mark.parametrize(
    "url", ["/admin/campaigns/{pk}/report", "/admin/do/campaigns/{pk}/book?place=page"]
)
def test_without_a_session_the_page_parts_send_to_the_login_page(
    client: TestClient, campaign: Campaign, url: str
) -> None:
    response = client.get(url.format(pk=campaign.id), follow_redirects=False)

    assert response.status_code == 303
    assert "/admin/login" in response.headers["location"]
    assert "Lucia Gallo" not in response.text
