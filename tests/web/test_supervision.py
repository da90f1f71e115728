"""The supervisors' dashboard and review queue: figures that match the trail, a merge
reviewed in place, and the pages kept from operators."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from actions.context import Actor
from actions.intake import Request, intake
from actions.supervision import TIME_ZONE, day_start
from models import (
    AuditEvent,
    AuditReview,
    Channel,
    Member,
    Organization,
    OutboxMessage,
    OutboxStatus,
    Outcome,
    utcnow,
)
from tests.client_merges import merged
from tests.conftest import Personas, htmx_headers, log_in, make_member
from tests.helpers import fresh, open_cedolino


def _page(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def _event(session: Session, at: dt.datetime, operator: str = "olivia", **values: Any) -> None:
    """An event of the trail at a given moment (recorded through the hash chain)."""
    defaults: dict[str, Any] = {
        "operator_username": operator,
        "operator_role": "operator",
        "action": "member.validate",
        "entity_type": "member",
        "entity_id": "1",
        "outcome": Outcome.SUCCESS,
    }
    session.add(AuditEvent(at=at, **(defaults | values)))
    session.commit()


def _local(day: dt.date, hour: int) -> dt.datetime:
    return day_start(day) + dt.timedelta(hours=hour)


def _yesterday() -> dt.date:
    return utcnow().astimezone(TIME_ZONE).date() - dt.timedelta(days=1)


def _recent_weekday() -> dt.date:
    day = _yesterday()
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


@pytest.fixture
def merge_event(session: Session, olivia: Actor) -> AuditEvent:
    target = intake(session, olivia, Request(legal_name="Mairie de Toulon")).client
    source = intake(session, olivia, Request(legal_name="Mairie de Toulon Ouest")).client
    session.commit()
    merged(session, olivia, source.id, target.client_number)
    session.commit()
    return (
        fresh(session)
        .scalars(
            select(AuditEvent).where(
                AuditEvent.action == "client.merge", AuditEvent.entity_type == "client"
            )
        )
        .one()
    )


@pytest.fixture
def sam_in(client: TestClient, personas: Personas) -> TestClient:
    log_in(client, "sam")
    return client


# --- the dashboard ------------------------------------------------------------------------


def test_the_dashboard_counts_each_operators_actions_per_day(
    sam_in: TestClient, session: Session, personas: Personas
) -> None:
    day = _recent_weekday()
    for minute in range(3):
        _event(session, _local(day, 10) + dt.timedelta(minutes=minute))
    _event(session, _local(day, 11), operator="otto")

    page = _page(sam_in.get("/admin/supervision"))

    row = page.select_one("[data-testid=activity-row][data-operator=olivia]")
    assert row is not None
    assert row.select_one(f"td[data-day='{day.isoformat()}']").text.strip() == "3"
    assert sum(int(td.text) for td in row.select("td")) == 3
    otto = page.select_one("[data-testid=activity-row][data-operator=otto]")
    assert otto.select_one(f"td[data-day='{day.isoformat()}']").text.strip() == "1"
    assert page.select_one("[data-testid=activity-chart]") is not None
    assert len(page.select("[data-testid=activity-table] thead th[data-day]")) == 14


def test_refusals_are_grouped_by_rule_and_link_to_the_trail(
    sam_in: TestClient, session: Session
) -> None:
    _event(session, utcnow() - dt.timedelta(days=9), outcome=Outcome.REFUSED, message="Old.")
    recent = utcnow() - dt.timedelta(days=2)
    for _ in range(2):
        _event(session, recent, outcome=Outcome.REFUSED, message="Dues not paid this year.")
    _event(session, recent, action="client.merge", outcome=Outcome.REFUSED, message="Into itself.")

    rows = _page(sam_in.get("/admin/supervision")).select("[data-testid=refusal-row]")

    assert [(r["data-action"], r.select_one("[data-testid=count]").text) for r in rows] == [
        ("member.validate", "2"),
        ("client.merge", "1"),
    ]
    link = rows[0].select_one("[data-testid=refusal-link]")["href"]
    assert "/admin/audit/list?" in link
    assert "outcome=refused" in link and "action=member.validate" in link


def test_actions_outside_working_hours_are_counted_per_operator(
    sam_in: TestClient, session: Session
) -> None:
    _event(session, _local(_yesterday(), 3))  # 3:00 at night
    _event(session, _local(_recent_weekday(), 10))  # a weekday morning
    _event(session, _local(_yesterday() - dt.timedelta(days=10), 3))  # too long ago

    page = _page(sam_in.get("/admin/supervision"))

    row = page.select_one("[data-testid=outside-hours-row][data-operator=olivia]")
    assert row.select_one("[data-testid=count]").text == "1"


def test_the_queues_waiting_for_someone_are_counted_with_links(
    sam_in: TestClient,
    session: Session,
    olivia: Actor,
    organization: Organization,
    merge_event: AuditEvent,
) -> None:
    make_member(session, organization, tax_code="X2", email="a@example.org")
    session.add_all(
        [
            OutboxMessage(
                channel=Channel.EMAIL,
                recipient="x@example.org",
                subject="s",
                body="b",
                caused_by="test",
                status=status,
                attempts=attempts,
            )
            for status, attempts in (
                (OutboxStatus.FAILED, 8),
                (OutboxStatus.QUEUED, 2),
                (OutboxStatus.QUEUED, 0),
            )
        ]
    )
    session.commit()
    open_cedolino(session, olivia, now=utcnow() - dt.timedelta(days=30))
    pending = fresh(session).scalar(
        select(func.count(Member.id)).where(Member.state == "pending", Member.info_complete)
    )

    page = _page(sam_in.get("/admin/supervision"))

    def figure(name: str) -> tuple[str, str]:
        box = page.select_one(f"[data-testid=figure-{name}]")
        return box.select_one("[data-testid=count]").text, box["href"]

    assert figure("unreviewed") == ("1", "http://testserver/admin/review")
    assert figure("outbox-failed")[0] == "1"
    assert "/admin/outbox/list?q=failed" in figure("outbox-failed")[1]
    assert figure("outbox-retrying")[0] == "1"
    assert figure("to-validate") == (str(pending), "http://testserver/admin/validation/list")
    assert figure("overdue") == ("1", "http://testserver/admin/tickets_overdue/list")


# --- the review queue ---------------------------------------------------------------------


def test_the_review_queue_lists_a_merge_with_its_change_and_links(
    sam_in: TestClient, merge_event: AuditEvent
) -> None:
    [item] = _page(sam_in.get("/admin/review")).select("[data-testid=review-item]")

    assert item["data-action"] == "client.merge"
    assert item.select_one("[data-testid=review-operator]").text == "olivia"
    assert item.select_one("[data-testid=review-kind]").text == "Merge"
    record = item.select_one("a[data-testid=review-record]")["href"]
    assert "/admin/clients/detail" in record and f"pk={merge_event.entity_id}" in record
    assert item.select_one("[data-testid=review-event-link]")["href"].endswith(
        f"/admin/audit/detail?pk={merge_event.id}"
    )
    assert item.select("[data-testid=diff-field]")
    assert item.select_one("[data-testid=review-form]") is not None


def test_a_supervisor_marks_a_merge_fine_in_place(
    sam_in: TestClient, session: Session, merge_event: AuditEvent
) -> None:
    response = sam_in.post(
        f"/admin/review/{merge_event.id}",
        headers=htmx_headers(sam_in),
        data={"verdict": "fine", "comment": ""},
    )

    fragment = _page(response)
    assert response.status_code == 200 and fragment.select_one("html") is None
    done = fragment.select_one("[data-testid=review-done]")
    assert "Reviewed by sam" in done.text and done["data-wrong"] == "false"
    assert fragment.select_one("[data-testid=review-form]") is None
    review = fresh(session).scalars(select(AuditReview)).one()
    assert (review.event_id, review.reviewer_username) == (merge_event.id, "sam")
    assert _page(sam_in.get("/admin/review")).select("[data-testid=review-item]") == []
    reviewed = _page(sam_in.get("/admin/review?show=reviewed"))
    assert len(reviewed.select("[data-testid=review-done]")) == 1


def test_something_wrong_needs_a_comment_and_keeps_what_was_typed(
    sam_in: TestClient, session: Session, merge_event: AuditEvent
) -> None:
    url, headers = f"/admin/review/{merge_event.id}", htmx_headers(sam_in)

    empty = _page(sam_in.post(url, headers=headers, data={"verdict": "wrong", "comment": " "}))
    assert "comment is required" in empty.select_one("[data-testid=refusal]").text
    long = "x" * 2001
    kept = _page(sam_in.post(url, headers=headers, data={"verdict": "wrong", "comment": long}))
    assert kept.select_one("[data-testid=refusal]") is not None
    assert kept.select_one("[data-testid=review-comment-input]").text == long
    assert fresh(session).scalar(select(func.count(AuditReview.id))) == 0

    said = _page(sam_in.post(url, headers=headers, data={"verdict": "wrong", "comment": "Typo"}))
    assert said.select_one("[data-testid=review-done]")["data-wrong"] == "true"
    assert said.select_one("[data-testid=review-comment]").text == "Typo"
    wrong = _page(sam_in.get("/admin/review?show=wrong"))
    assert len(wrong.select("[data-testid=review-item]")) == 1


def test_a_plain_form_post_reviews_and_comes_back_to_the_queue(
    sam_in: TestClient, session: Session, merge_event: AuditEvent
) -> None:
    page = sam_in.get("/admin/review").text
    token = BeautifulSoup(page, "html.parser").select_one(
        "[data-testid=review-form] input[name=csrftoken]"
    )["value"]

    response = sam_in.post(
        f"/admin/review/{merge_event.id}",
        data={"verdict": "fine", "csrftoken": token},
        follow_redirects=False,
    )

    assert response.status_code == 303 and response.headers["location"].endswith("/admin/review")
    assert fresh(session).scalar(select(func.count(AuditReview.id))) == 1


def test_a_supervisor_sees_their_own_risky_actions_without_a_form(
    sam_in: TestClient, session: Session, sam: Actor
) -> None:
    target = intake(session, sam, Request(legal_name="Ville de Lyon")).client
    source = intake(session, sam, Request(legal_name="Ville de Lyon Nord")).client
    session.commit()
    merged(session, sam, source.id, target.client_number)
    session.commit()

    [item] = _page(sam_in.get("/admin/review")).select("[data-testid=review-item]")

    assert item.select_one("[data-testid=review-form]") is None
    assert item.select_one("[data-testid=review-mine]") is not None
    event_id = item["data-event"]
    refused = _page(
        sam_in.post(
            f"/admin/review/{event_id}", headers=htmx_headers(sam_in), data={"verdict": "fine"}
        )
    )
    assert "Another supervisor reviews your own actions." in refused.text
    assert fresh(session).scalar(select(func.count(AuditReview.id))) == 0


# --- who may, and what is refused ---------------------------------------------------------


@pytest.mark.parametrize("url", ["/admin/supervision", "/admin/review"])
def test_an_operator_cannot_open_the_supervisors_pages(
    client: TestClient, personas: Personas, url: str
) -> None:
    log_in(client, "olivia")

    assert client.get(url).status_code == 403


def test_an_operator_cannot_review(
    client: TestClient, personas: Personas, session: Session, merge_event: AuditEvent
) -> None:
    log_in(client, "olivia")

    response = client.post(
        f"/admin/review/{merge_event.id}", headers=htmx_headers(client), data={"verdict": "fine"}
    )

    assert response.status_code == 403
    assert fresh(session).scalar(select(func.count(AuditReview.id))) == 0


def test_without_a_session_the_pages_send_to_the_login(client: TestClient) -> None:
    response = client.get("/admin/review", follow_redirects=False)

    assert response.status_code in (302, 303) and "/login" in response.headers["location"]


@pytest.mark.parametrize("pk", ["abc", "-1", "99999999999", "3000000000", "999999"])
def test_an_event_that_is_not_there_is_not_found(sam_in: TestClient, pk: str) -> None:
    response = sam_in.post(
        f"/admin/review/{pk}", headers=htmx_headers(sam_in), data={"verdict": "fine"}
    )

    assert response.status_code == 404
    assert "only risky actions are reviewed" in response.text


def test_an_ordinary_event_or_a_missing_verdict_is_refused_with_a_reason(
    sam_in: TestClient, session: Session, merge_event: AuditEvent
) -> None:
    ordinary = (
        fresh(session)
        .scalars(select(AuditEvent.id).where(AuditEvent.action == "client.intake"))
        .first()
    )
    headers = htmx_headers(sam_in)

    refused = sam_in.post(f"/admin/review/{ordinary}", headers=headers, data={"verdict": "fine"})
    no_verdict = sam_in.post(f"/admin/review/{merge_event.id}", headers=headers, data={})

    assert refused.status_code == 200 and "only risky actions" in refused.text
    assert "Choose Fine or Something was wrong." in no_verdict.text
    assert fresh(session).scalar(select(func.count(AuditReview.id))) == 0


@pytest.mark.parametrize("query", ["show=zzz", "before=abc", "before=-1", "before=1" + "0" * 30])
def test_a_malformed_query_shows_the_queue(
    sam_in: TestClient, merge_event: AuditEvent, query: str
) -> None:
    response = sam_in.get(f"/admin/review?{query}")

    assert response.status_code == 200
    assert _page(response).select_one("[data-testid=review-queue]") is not None
