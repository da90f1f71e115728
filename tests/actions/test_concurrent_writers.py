"""Several operators writing through the console at the same moment, and two dispatchers
delivering the outbox: the audit chain never forks, each mail leaves once, a campaign never
takes more bookings than it has places, and nobody gets an error for a colleague's write."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from actions import appointments, audit_chain
from actions.context import Actor
from actions.operators import create_operator
from admin.app import build_app, run_dispatcher
from models import (
    Appointment,
    Member,
    MemberState,
    Organization,
    OutboxStatus,
    Outcome,
    Role,
)
from tests.actions.test_appointments import make_campaign
from tests.conftest import PASSWORD, SmtpServer, htmx_headers, log_in, make_member, settings_for
from tests.helpers import events, fresh, outbox

DESKS = 5


@pytest.fixture
def desk(session: Session) -> list[str]:
    """Five operators signed in at once."""
    names = [f"desk{n}" for n in range(DESKS)]
    for name in names:
        create_operator(session, Actor.system("test"), name, PASSWORD, Role.OPERATOR)
    session.commit()
    return names


def at_once(app: Any, names: list[str], work: Callable[[TestClient, str], list[Any]]) -> list[Any]:
    """Each operator signs in with a browser of their own; then all start `work` together,
    each in a thread with its own event loop, as separate browsers reach a real server."""
    start = threading.Barrier(len(names))

    def operator(name: str) -> list[Any]:
        with TestClient(app, base_url="http://testserver") as client:
            assert log_in(client, name).status_code == 303
            start.wait(timeout=60)
            return work(client, name)

    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        futures = [pool.submit(operator, name) for name in names]
        return [answer for future in futures for answer in future.result(timeout=300)]


def assert_one_unforked_chain(session: Session) -> None:
    trail = events(session)
    assert audit_chain.verify(session).intact
    assert [e.seq for e in trail] == list(range(1, len(trail) + 1))
    assert len({e.prev_hash for e in trail}) == len(trail)  # no two events follow the same one


def _members_of(
    session: Session, organization: Organization, desk: list[str], per_desk: int
) -> dict[str, list[int]]:
    """`per_desk` members for each operator of the desk to act on, by their ids."""
    return {
        name: [
            make_member(
                session, organization, tax_code=f"{name}-{i}", email=f"{name}.{i}@ex.org"
            ).id
            for i in range(per_desk)
        ]
        for name in desk
    }


def test_five_operators_validating_at_the_same_moment_leave_one_intact_audit_chain(
    app: Any, session: Session, organization: Organization, desk: list[str]
) -> None:
    per_desk = 4
    members = _members_of(session, organization, desk, per_desk)

    def validate(client: TestClient, name: str) -> list[int]:
        headers = htmx_headers(client)
        return [
            client.post(
                f"/admin/do/members/{pk}/validate", headers=headers, data={"dues_year": "2026"}
            ).status_code
            for pk in members[name]
        ]

    statuses = at_once(app, desk, validate)

    assert statuses == [200] * DESKS * per_desk
    fresh(session).expire_all()
    assert {m.state for m in session.scalars(select(Member))} == {MemberState.VALIDATED}
    validated = events(session, "member.validate")
    assert [e.outcome for e in validated] == [Outcome.SUCCESS] * DESKS * per_desk
    assert_one_unforked_chain(session)


def test_two_dispatchers_deliver_each_mail_once_while_operators_queue_them(
    database_url: str,
    engine: Engine,
    session: Session,
    organization: Organization,
    desk: list[str],
    smtp: SmtpServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Two processes each running the dispatcher beside the console (as `serve` does), while
    operators resend passwords: every mail reaches the SMTP server exactly once."""
    per_desk = 3
    members = _members_of(session, organization, desk, per_desk)
    settings = settings_for(database_url, smtp.url)
    app = build_app(settings, engine=engine)
    stop = threading.Event()
    dispatchers = [
        threading.Thread(target=run_dispatcher, args=(settings, engine, stop, 0.05), name=name)
        for name in ("dispatcher-a", "dispatcher-b")
    ]

    def resend(client: TestClient, name: str) -> list[int]:
        headers = htmx_headers(client)
        return [
            client.post(
                f"/admin/do/members/{pk}/resend_password",
                headers=headers,
                data={"request_key": f"{name}-{pk}"},
            ).status_code
            for pk in members[name]
        ]

    caplog.set_level(logging.ERROR, logger="sportello")
    for dispatcher in dispatchers:
        dispatcher.start()
    try:
        statuses = at_once(app, desk, resend)
        queued = len(outbox(session))
        received = smtp.mailbox.wait_for(queued, timeout=60)
    finally:
        stop.set()
        for dispatcher in dispatchers:
            dispatcher.join(timeout=30)

    assert statuses == [200] * DESKS * per_desk
    assert queued == DESKS * per_desk
    ids = [str(m.id) for m in outbox(session)]
    assert Counter(mail["X-Sportello-Outbox-Id"] for mail in received) == Counter(ids)
    assert {m.status for m in outbox(session)} == {OutboxStatus.SENT}
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert_one_unforked_chain(session)


def test_operators_booking_the_last_places_at_once_never_overfill_the_campaign(
    app: Any, session: Session, organization: Organization, desk: list[str]
) -> None:
    campaign = make_campaign(session, organization, purchased=3)
    agent = campaign.agents[0].id
    today = dt.date.today()

    def book(client: TestClient, name: str) -> list[str]:
        day = today + dt.timedelta(days=20 + desk.index(name))
        response = client.post(
            f"/admin/do/campaigns/{campaign.id}/book",
            headers=htmx_headers(client),
            data={
                "agent": str(agent),
                "prospect": f"Bottega {name}",
                "address": "Via Roma 1, Macerata",
                "starts_at": f"{day.isoformat()}T10:00",
            },
        )
        assert response.status_code == 200, response.text
        soup = BeautifulSoup(response.text, "html.parser")
        if soup.select_one("[data-testid=outcome]") is not None:
            return ["booked"]
        refusal = soup.select_one("[data-testid=refusal]")
        assert refusal is not None, response.text
        return [refusal.text.strip()]

    outcomes = at_once(app, desk, book)

    assert outcomes.count("booked") == 3
    assert all("full" in outcome for outcome in outcomes if outcome != "booked")
    fresh(session).expire_all()
    assert session.scalar(select(func.count(Appointment.id))) == 3
    assert appointments.counters(session, campaign).taken == 3
    booked = [e.outcome for e in events(session, "appointment.book")]
    assert sorted(booked) == sorted([Outcome.SUCCESS] * 3 + [Outcome.REFUSED] * (DESKS - 3))
    assert_one_unforked_chain(session)
