"""Appointment campaigns over HTTP: the row actions, the campaign page's boxes, the report
page and its CSV, and who may do what."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from actions import appointments
from actions.context import Actor
from models import (
    Appointment,
    AppointmentState,
    AuditEvent,
    Campaign,
    CampaignState,
    Organization,
)
from tests.actions.test_appointments import generate, make_campaign, utc
from tests.conftest import Personas, csrf_token, htmx_headers, log_in
from tests.helpers import fresh


def _later(days: int = 20, hour: int = 10) -> str:
    """A start far enough ahead for the 36-hour rule, as the form's datetime-local box."""
    day = dt.date.today() + dt.timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


@pytest.fixture
def campaign(session: Session, organization: Organization) -> Campaign:
    return make_campaign(session, organization, purchased=2)


def _booked(
    session: Session, actor: Actor, campaign: Campaign, now: dt.datetime | None = None
) -> Appointment:
    """An appointment booked through the action, 20 days ahead."""
    booking = appointments.Booking(campaign.agents[0].id, "Bar Sport", "Via Po 2", _later())
    return appointments.book(session, actor, campaign.id, booking, now=now)


def _book(client: TestClient, campaign: Campaign, start: str, **extra: str) -> object:
    data = {
        "agent": str(campaign.agents[0].id),
        "prospect": "Ferramenta Rossi",
        "address": "Via Roma 1, Macerata",
        "starts_at": start,
        **extra,
    }
    return client.post(
        f"/admin/do/campaigns/{campaign.id}/book", data=data, headers=htmx_headers(client)
    )


def test_an_operator_books_from_the_campaign_and_the_form_answers_with_the_row(
    client: TestClient, personas: Personas, session: Session, campaign: Campaign
) -> None:
    log_in(client, "olivia")

    response = _book(client, campaign, _later())

    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    assert "booked" in soup.select_one("[data-testid=outcome]").text
    assert response.headers["HX-Trigger"] == "sportello-changed"
    booked = fresh(session).scalars(select(Appointment)).one()
    assert booked.state == AppointmentState.TO_CONFIRM
    assert booked.booked_by == "olivia"


def test_a_refused_booking_keeps_what_was_typed_and_says_why(
    client: TestClient, personas: Personas, session: Session, campaign: Campaign
) -> None:
    log_in(client, "olivia")
    too_soon = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)).astimezone(
        appointments.time_zone(campaign.time_zone)
    )

    response = _book(client, campaign, too_soon.strftime("%Y-%m-%dT%H:%M"), notes="chiamare")

    soup = BeautifulSoup(response.text, "html.parser")
    assert "36 hours" in soup.select_one("[data-testid=refusal]").text
    assert soup.select_one("#prospect")["value"] == "Ferramenta Rossi"
    assert soup.select_one("#notes").text == "chiamare"
    assert "is-invalid" in soup.select_one("#starts_at")["class"]
    assert response.headers["HX-Retarget"] == "#action-panel"
    assert fresh(session).scalar(select(func.count(Appointment.id))) == 0


def test_the_same_booking_form_sent_twice_books_once(
    client: TestClient, personas: Personas, session: Session, campaign: Campaign
) -> None:
    log_in(client, "olivia")
    form = client.get(f"/admin/do/campaigns/{campaign.id}/book", headers=htmx_headers(client))
    token = BeautifulSoup(form.text, "html.parser").select_one("[name=form_token]")["value"]

    _book(client, campaign, _later(), form_token=token)
    _book(client, campaign, _later(), form_token=token)

    assert fresh(session).scalar(select(func.count(Appointment.id))) == 1


def test_a_confirmation_on_the_campaign_page_replaces_the_row_and_the_boxes_ask_again(
    client: TestClient, personas: Personas, session: Session, olivia: Actor, campaign: Campaign
) -> None:
    appointment = _booked(session, olivia, campaign)
    session.commit()
    log_in(client, "olivia")
    page = client.get(f"/admin/campaigns/detail?pk={campaign.id}")
    boxes = BeautifulSoup(page.text, "html.parser").select_one("[data-testid=campaign-boxes]")
    assert boxes.select_one("[data-testid=box-taken]").text.strip() == "1"
    assert boxes.select_one("[data-testid=box-to-confirm]").text.strip() == "1"
    assert "sportello-changed" in boxes["hx-trigger"]
    headers = {
        **htmx_headers(client),
        "HX-Current-URL": f"http://testserver/admin/campaigns/detail?pk={campaign.id}",
    }
    rows = client.get(f"/admin/campaigns/{campaign.id}/appointments", headers=headers)
    assert f'data-sa-pk="{appointment.id}"' in rows.text

    form = client.get(f"/admin/do/appointments/{appointment.id}/confirm", headers=headers)
    target = BeautifulSoup(form.text, "html.parser").select_one("form")["hx-target"]
    assert target == f"#campaign-appointments tr[data-sa-pk='{appointment.id}']"
    response = client.post(
        f"/admin/do/appointments/{appointment.id}/confirm", data={"version": "1"}, headers=headers
    )

    assert response.status_code == 200
    assert "HX-Refresh" not in response.headers
    assert response.headers["HX-Trigger"] == "sportello-changed"
    assert 'data-state="confirmed"' in response.text
    again = client.get(f"/admin/campaigns/{campaign.id}/boxes", headers=headers)
    boxes = BeautifulSoup(again.text, "html.parser")
    assert boxes.select_one("[data-testid=box-taken]").text.strip() == "1"
    assert boxes.select_one("[data-testid=box-to-confirm]").text.strip() == "0"


def test_a_late_cancellation_is_refused_with_the_reason_in_italian(
    client: TestClient, personas: Personas, session: Session, olivia: Actor, campaign: Campaign
) -> None:
    appointment = _booked(
        session, olivia, campaign, now=dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    )
    appointment.starts_at = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    session.commit()
    log_in(client, "olivia")
    client.cookies.set("language", "it")
    headers = htmx_headers(client)

    response = client.post(
        f"/admin/do/appointments/{appointment.id}/cancel", data={"version": "2"}, headers=headers
    )

    refusal = BeautifulSoup(response.text, "html.parser").select_one("[data-testid=refusal]")
    assert "2 giorni" in refusal.text
    fresh(session).expire_all()
    assert session.get(Appointment, appointment.id).state == AppointmentState.TO_CONFIRM


def test_the_report_page_and_its_csv_show_the_campaign_counters(
    client: TestClient, personas: Personas, session: Session, organization: Organization
) -> None:
    campaigns = generate(session, organization, seed=11)
    log_in(client, "olivia")

    page = client.get("/admin/appointments/report?by=campaign")
    exported = client.get("/admin/appointments/report.csv?by=campaign")

    soup = BeautifulSoup(page.text, "html.parser")
    shown = {
        row["data-label"]: {
            td["data-column"]: td.text.strip() for td in row.select("td[data-column]")
        }
        for row in soup.select("[data-testid=report-row]")
    }
    lines = list(csv.reader(io.StringIO(exported.text)))
    assert exported.headers["content-type"].startswith("text/csv")
    assert lines[0][:3] == ["Campaign", "Purchased", "Taken"]
    for campaign in campaigns:
        counters = appointments.counters(session, campaign).row()
        assert shown[campaign.name] == {k: str(v) for k, v in counters.items()}
        line = next(line for line in lines if line[0] == campaign.name)
        assert line[1:] == [str(v) for v in counters.values()]
    assert soup.select_one("[data-testid=report-chart]") is not None


def test_the_zone_report_sums_to_the_campaign_and_a_reversed_period_is_refused(
    client: TestClient, personas: Personas, session: Session, organization: Organization
) -> None:
    campaign = generate(session, organization, seed=12)[0]
    log_in(client, "olivia")

    page = client.get(f"/admin/appointments/report?by=zone&campaign={campaign.id}")
    taken = [
        int(td.text)
        for td in BeautifulSoup(page.text, "html.parser").select("td[data-column=taken]")
    ]
    assert sum(taken) == appointments.counters(session, campaign).taken

    refused = client.get("/admin/appointments/report?start=2026-10-31&end=2026-10-01")
    assert "ends before it starts" in refused.text
    assert (
        client.get("/admin/appointments/report.csv?start=2026-10-31&end=2026-10-01").status_code
        == 400
    )


def test_an_operator_cannot_renew_create_or_edit_a_campaign(
    client: TestClient, personas: Personas, session: Session, campaign: Campaign
) -> None:
    log_in(client, "olivia")
    headers = htmx_headers(client)

    renew = client.post(
        f"/admin/do/campaigns/{campaign.id}/renew", data={"added": "50"}, headers=headers
    )
    assert renew.status_code == 403
    assert client.get("/admin/campaigns/create").status_code == 403
    assert client.get(f"/admin/campaigns/edit?pk={campaign.id}").status_code == 403
    ended = client.post(
        f"/admin/campaigns/edit?pk={campaign.id}",
        data={"state": "ended", "name": "x", "time_zone": "UTC"},
        headers=headers,
    )
    assert ended.status_code == 403
    assert client.get("/admin/appointments/create").status_code == 403
    assert client.get("/admin/unavailabilities/create").status_code == 403
    fresh(session).expire_all()
    assert session.get(Campaign, campaign.id).purchased == 2
    assert session.get(Campaign, campaign.id).state == CampaignState.ACTIVE
    assert (
        fresh(session).scalar(
            select(func.count(AuditEvent.seq)).where(AuditEvent.action == "campaign.renew")
        )
        == 0
    )


def test_a_supervisor_renews_from_the_campaign(
    client: TestClient, personas: Personas, session: Session, campaign: Campaign
) -> None:
    log_in(client, "sam")

    response = client.post(
        f"/admin/do/campaigns/{campaign.id}/renew",
        data={"added": "50", "version": "1"},
        headers=htmx_headers(client),
    )

    assert response.status_code == 200
    fresh(session).expire_all()
    assert session.get(Campaign, campaign.id).purchased == 52


def test_nobody_edits_the_purchased_total_through_the_edit_form(
    client: TestClient, personas: Personas, campaign: Campaign
) -> None:
    log_in(client, "sam")

    form = client.get(f"/admin/campaigns/edit?pk={campaign.id}")

    assert form.status_code == 200
    assert 'name="purchased"' not in form.text
    assert 'name="time_zone"' in form.text


def test_the_period_filter_uses_each_campaigns_clock(
    session: Session, olivia: Actor, organization: Organization
) -> None:
    campaign = make_campaign(session, organization)
    appointments.book(
        session,
        olivia,
        campaign.id,
        appointments.Booking(campaign.agents[0].id, "Bar", "Via", "2026-10-01 00:30"),
        now=utc("2026-09-01 09:00"),
    )
    session.commit()

    october = appointments.report(session, "agent", start=dt.date(2026, 10, 1))
    september = appointments.report(session, "agent", end=dt.date(2026, 9, 30))

    assert sum(r.counters.taken for r in october) == 1
    assert sum(r.counters.taken for r in september) == 0


@pytest.mark.parametrize(
    "url", ["/admin/agents/create", "/admin/agents/edit?pk=1", "/admin/campaigns/create"]
)
def test_an_operator_cannot_create_or_edit_agents_and_campaigns(
    client: TestClient, personas: Personas, campaign: Campaign, url: str
) -> None:
    log_in(client, "olivia")

    assert client.get(url).status_code == 403


def test_an_operator_reading_the_boxes_of_a_campaign_that_does_not_exist_gets_not_found(
    client: TestClient, personas: Personas
) -> None:
    log_in(client, "olivia")

    assert client.get("/admin/campaigns/999/boxes").status_code == 404


def test_an_agent_does_not_move_to_another_campaign_through_the_edit_form(
    client: TestClient, personas: Personas, campaign: Campaign
) -> None:
    log_in(client, "sam")

    form = client.get(f"/admin/agents/edit?pk={campaign.agents[0].id}")

    assert form.status_code == 200
    assert 'name="zone"' in form.text
    assert 'name="campaign"' not in form.text


@pytest.mark.parametrize(
    "url",
    [
        "/admin/campaigns/99999999999999999999/boxes",
        "/admin/campaigns/x/appointments",
        "/admin/do/appointments/99999999999999999999/confirm",
        "/admin/do/campaigns/²/book",
    ],
)
def test_a_malformed_or_huge_id_is_not_found(
    client: TestClient, personas: Personas, url: str
) -> None:
    log_in(client, "olivia")

    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=0001-01-01", "start"),
        ("end=9999-12-31", "end"),
        ("start=2026-10-31&end=2026-10-01", "end"),
        ("start=31/10/2026", "start"),
    ],
)
def test_a_period_that_cannot_be_read_is_refused_on_the_right_box_with_no_figures(
    client: TestClient, personas: Personas, campaign: Campaign, query: str, field: str
) -> None:
    log_in(client, "olivia")

    page = client.get(f"/admin/appointments/report?{query}&campaign=²")

    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.select_one("[data-testid=refusal]") is not None
    assert "is-invalid" in soup.select_one(f"#{field}")["class"]
    assert soup.select("[data-testid=report-row]") == []
    assert soup.select_one("[data-testid=report-csv]") is None
    assert client.get(f"/admin/appointments/report.csv?{query}").status_code == 400


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"prospect": "x" * 201}, "prospect"),
        ({"agent": "²"}, "agent"),
        ({"starts_at": "0001-01-01T00:00"}, "starts_at"),
    ],
)
def test_a_booking_with_a_value_out_of_bounds_is_refused_on_its_box(
    client: TestClient,
    personas: Personas,
    session: Session,
    campaign: Campaign,
    data: dict[str, str],
    field: str,
) -> None:
    log_in(client, "olivia")

    response = _book(client, campaign, data.pop("starts_at", _later()), **data)

    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.select_one("[data-testid=refusal]") is not None
    assert "is-invalid" in soup.select_one(f"#{field}")["class"]
    assert fresh(session).scalar(select(func.count(Appointment.id))) == 0


def test_a_day_far_beyond_any_calendar_is_refused_for_an_unavailability(
    client: TestClient, personas: Personas, campaign: Campaign
) -> None:
    log_in(client, "olivia")

    response = client.post(
        f"/admin/do/agents/{campaign.agents[0].id}/unavailable",
        data={"day": "9999-12-31"},
        headers=htmx_headers(client),
    )

    assert "Write the day like" in response.text


def test_after_a_conflict_the_form_carries_the_version_now_saved(
    client: TestClient, personas: Personas, session: Session, olivia: Actor, campaign: Campaign
) -> None:
    appointment = _booked(session, olivia, campaign)
    appointments.confirm(session, olivia, appointment.id)  # a colleague's change: version 2
    session.commit()
    log_in(client, "olivia")
    headers = htmx_headers(client)

    stale = client.post(
        f"/admin/do/appointments/{appointment.id}/postpone",
        data={"version": "1", "starts_at": _later(25)},
        headers=headers,
    )
    soup = BeautifulSoup(stale.text, "html.parser")
    assert "Someone else changed" in soup.select_one("[data-testid=refusal]").text
    assert soup.select_one("[name=version]")["value"] == "2"
    assert soup.select_one("#starts_at")["value"] == _later(25)

    again = client.post(
        f"/admin/do/appointments/{appointment.id}/postpone",
        data={"version": "2", "starts_at": _later(25)},
        headers=headers,
    )
    assert "postponed" in again.text


@pytest.mark.parametrize(
    ("purchased", "time_zone", "reason"),
    [
        ("100", "Europe/Atlantis", "is not a time zone"),
        ("0", "Europe/Rome", "from 1 to"),
        ("", "Europe/Rome", "This field is required."),
    ],
)
def test_a_campaign_form_with_a_bad_total_or_time_zone_is_refused_with_the_reason(
    client: TestClient,
    personas: Personas,
    session: Session,
    organization: Organization,
    purchased: str,
    time_zone: str,
    reason: str,
) -> None:
    log_in(client, "sam")
    page = client.get("/admin/campaigns/create")

    response = client.post(
        "/admin/campaigns/create",
        data={
            "name": "Autunno",
            "organization": str(organization.id),
            "purchased": purchased,
            "time_zone": time_zone,
            "csrftoken": csrf_token(page.text),
        },
    )

    assert reason in response.text
    assert fresh(session).scalar(select(Campaign)) is None


def test_a_name_a_spreadsheet_would_run_is_written_as_text_in_the_csv(
    client: TestClient, personas: Personas, session: Session, organization: Organization
) -> None:
    make_campaign(session, organization).name = "=HYPERLINK(1)"
    session.commit()
    log_in(client, "olivia")

    exported = client.get("/admin/appointments/report.csv")

    assert "'=HYPERLINK(1)" in exported.text
