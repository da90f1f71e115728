"""A record's History panel: on every record page, closed until opened, then its events
newest first with their change, a page at a time; the address and browser of each event and
its event page for supervisors and administrators only."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from actions.context import Actor
from admin.demo import load_demo_data
from models import AuditEvent, Client, ClientEvent, Member, Organization
from tests.client_merges import merged
from tests.conftest import PASSWORD, Personas, log_in, make_member
from views.base import SportelloModelView

HTMX = {"HX-Request": "true"}
ADDRESS = "192.0.2.44"
BROWSER = "DeskBrowser/7.1"


def page_of(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def events_of(response: Any) -> list[int]:
    return [int(li["data-seq"]) for li in page_of(response).select("[data-testid=history-event]")]


@pytest.fixture
def desk(personas: Personas) -> Actor:
    """Olivia at her desk: where her changes come from."""
    return Actor.of(personas.operator, ip=ADDRESS, user_agent=BROWSER, request_id="r-1")


def edited(session: Session, actor: Actor, member: Member, **values: Any) -> None:
    session.info["actor"] = actor
    for name, value in values.items():
        setattr(member, name, value)
    session.commit()


def recorded(session: Session, entity_type: str, entity_id: int) -> list[int]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEvent.seq)
            .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == str(entity_id))
            .order_by(AuditEvent.seq.desc())
        )
    )


def test_every_record_page_has_a_closed_history_panel_that_loads_when_opened(
    app: Any, client: TestClient, personas: Personas, session: Session
) -> None:
    load_demo_data(session, PASSWORD, members=2)
    session.commit()
    log_in(client, "ada")
    shown = set()
    for view in app.state.views:
        if not isinstance(view, SportelloModelView) or view.key == "audit":
            continue
        row = page_of(client.get(f"/admin/{view.key}/list")).select_one("tr[data-sa-pk]")
        if row is None:
            continue
        page = page_of(client.get(f"/admin/{view.key}/detail", params={"pk": row["data-sa-pk"]}))
        panel = page.select_one("details[data-testid=history]")

        assert panel is not None, view.key
        assert not panel.has_attr("open") and panel["hx-trigger"] == "toggle once"
        assert (
            urlsplit(panel["hx-get"]).path
            == f"/admin/history/{view.model.__tablename__}/{row['data-sa-pk']}"
        )
        assert not page.select("[data-testid=history-event]")  # nothing read until opened
        assert client.get(panel["hx-get"], headers=HTMX).status_code == 200, view.key
        shown.add(view.model.__tablename__)
    expected = {"member", "login_account", "client", "ticket", "appointment", "campaign"}
    assert expected | {"organization", "operator", "knowledge_article"} <= shown


def test_the_audit_events_own_page_has_no_history_panel(
    client: TestClient, personas: Personas, session: Session
) -> None:
    log_in(client, "sam")
    event_id = session.scalar(select(AuditEvent.id).limit(1))

    page = page_of(client.get("/admin/audit/detail", params={"pk": event_id}))

    assert page.select_one("[data-testid=record-heading]") is not None
    assert page.select_one("[data-testid=history]") is None


def test_it_lists_the_records_events_newest_first_and_no_other_records(
    client: TestClient,
    personas: Personas,
    session: Session,
    organization: Organization,
    desk: Actor,
) -> None:
    mario = make_member(session, organization)
    other = make_member(session, organization, tax_code="X2", email="luigi@example.org")
    session.commit()
    edited(session, desk, mario, email="mario@example.net")
    edited(session, desk, other, email="luigi@example.net")
    edited(session, desk, mario, address="Via Po 2, Torino")
    log_in(client, "olivia")

    response = client.get(f"/admin/history/member/{mario.id}", headers=HTMX)

    assert response.status_code == 200 and "<html" not in response.text
    assert events_of(response) == recorded(session, "member", mario.id)
    assert len(events_of(response)) == 3  # created, two edits; not the other member's
    assert not set(events_of(response)) & set(recorded(session, "member", other.id))


def test_older_events_come_a_page_at_a_time(
    client: TestClient,
    personas: Personas,
    session: Session,
    organization: Organization,
    desk: Actor,
) -> None:
    mario = make_member(session, organization)
    session.commit()
    for number in range(24):
        edited(session, desk, mario, address=f"Via Roma {number}")
    log_in(client, "olivia")
    everything = recorded(session, "member", mario.id)

    first = client.get(f"/admin/history/member/{mario.id}", headers=HTMX)
    older = page_of(first).select_one("a[data-testid=history-older]")
    second = client.get(older["hx-get"], headers=HTMX)

    assert len(everything) == 25
    assert events_of(first) == everything[:20]
    assert older["hx-get"].endswith(f"/admin/history/member/{mario.id}?before={everything[19]}")
    assert events_of(second) == everything[20:]
    assert page_of(second).select_one("[data-testid=history-older]") is None


def test_it_shows_the_change_field_by_field(
    client: TestClient,
    personas: Personas,
    session: Session,
    organization: Organization,
    desk: Actor,
) -> None:
    mario = make_member(session, organization)
    session.commit()
    edited(session, desk, mario, email="mario@example.net")
    log_in(client, "olivia")

    newest = page_of(client.get(f"/admin/history/member/{mario.id}", headers=HTMX)).select_one(
        "[data-testid=history-event]"
    )

    assert newest.select_one("[data-testid=history-who]").text == "olivia"
    assert newest.select_one("[data-testid=history-action]").text == "member.edit"
    assert newest["data-outcome"] == "success"
    change = newest.select_one("[data-testid=diff] [data-field=email]")
    assert change.select_one("[data-testid=diff-before]").text == "mario.rossi@example.org"
    assert change.select_one("[data-testid=diff-after]").text == "mario@example.net"


def test_an_operator_reads_no_address_browser_or_event_page(
    client: TestClient,
    personas: Personas,
    session: Session,
    organization: Organization,
    desk: Actor,
) -> None:
    mario = make_member(session, organization)
    session.commit()
    edited(session, desk, mario, email="mario@example.net")
    log_in(client, "olivia")

    response = client.get(f"/admin/history/member/{mario.id}", headers=HTMX)

    assert response.status_code == 200 and events_of(response)
    assert ADDRESS not in response.text and BROWSER not in response.text
    assert not page_of(response).select("[data-testid=history-origin]")
    assert not page_of(response).select("a[href*='/admin/audit/']")


@pytest.mark.parametrize("who", ["sam", "ada"])
def test_a_supervisor_reads_everything_and_opens_each_event(
    client: TestClient,
    personas: Personas,
    session: Session,
    organization: Organization,
    desk: Actor,
    who: str,
) -> None:
    mario = make_member(session, organization)
    session.commit()
    edited(session, desk, mario, email="mario@example.net")
    log_in(client, who)

    response = client.get(f"/admin/history/member/{mario.id}", headers=HTMX)
    newest = page_of(response).select_one("[data-testid=history-event]")

    assert ADDRESS in newest.select_one("[data-testid=history-origin]").text
    assert BROWSER in newest.select_one("[data-testid=history-origin]").text
    event_id = session.scalar(
        select(AuditEvent.id).where(AuditEvent.seq == int(newest["data-seq"]))
    )
    link = newest.select_one("a[data-testid=history-event-link]")
    assert link["href"] == f"http://testserver/admin/audit/detail?pk={event_id}"


@pytest.mark.parametrize(("who", "status"), [("olivia", 403), ("sam", 403), ("ada", 200)])
def test_an_operators_history_is_read_only_by_those_who_open_operator_pages(
    client: TestClient, personas: Personas, who: str, status: int
) -> None:
    log_in(client, who)

    response = client.get(f"/admin/history/operator/{personas.operator.id}", headers=HTMX)

    assert response.status_code == status
    if status == 403:
        assert not page_of(response).select("[data-testid=history-event]")
        assert "role does not allow" in response.text


def test_a_request_without_a_session_reads_nothing(
    client: TestClient, personas: Personas, session: Session, organization: Organization
) -> None:
    mario = make_member(session, organization)
    session.commit()

    response = client.get(f"/admin/history/member/{mario.id}", follow_redirects=False)

    assert response.status_code in (302, 303, 307, 401)
    assert "history-event" not in response.text


@pytest.mark.parametrize(
    ("path", "status", "reason"),
    [
        ("/admin/history/nothing/1", 404, "no history for this kind"),
        ("/admin/history/audit_event/1", 404, "no history for this kind"),
        ("/admin/history/member/abc", 404, "no such record"),
        ("/admin/history/member/12345678901234567890123", 404, "no such record"),
        ("/admin/history/member/-1", 404, "no such record"),
        ("/admin/history/member/1?before=abc", 400, "by an event number"),
        ("/admin/history/member/1?before=-5", 400, "by an event number"),
        ("/admin/history/member/1?before=" + "9" * 40, 400, "by an event number"),
    ],
)
def test_a_malformed_request_is_refused_with_a_reason(
    client: TestClient, personas: Personas, path: str, status: int, reason: str
) -> None:
    log_in(client, "ada")

    for headers in (HTMX, {}):
        response = client.get(path, headers=headers)

        assert response.status_code == status, (path, headers)
        assert reason in response.text


def test_opened_without_htmx_it_is_a_page_of_the_console(
    client: TestClient, personas: Personas, session: Session, organization: Organization
) -> None:
    mario = make_member(session, organization)
    session.commit()
    log_in(client, "olivia")

    response = client.get(f"/admin/history/member/{mario.id}")

    assert response.status_code == 200 and "<html" in response.text
    assert len(events_of(response)) == 1


def test_a_record_with_no_event_says_so(
    client: TestClient, personas: Personas, session: Session
) -> None:
    log_in(client, "olivia")

    response = client.get("/admin/history/member/999999", headers=HTMX)

    assert response.status_code == 200
    assert page_of(response).select_one("[data-testid=history-empty]") is not None


def test_a_clients_history_shows_the_merges_into_it(
    client: TestClient, personas: Personas, session: Session, desk: Actor
) -> None:
    source = Client(client_number="C000002", legal_name="Mairie de Toulon Ouest")
    target = Client(client_number="C000001", legal_name="Mairie de Toulon")
    session.add_all([source, target])
    session.flush()
    session.add(ClientEvent(client_id=source.id, description="cover"))
    session.commit()
    merged(session, desk, source.id, "C000001")
    session.commit()
    log_in(client, "olivia")

    into = page_of(client.get(f"/admin/history/client/{target.id}", headers=HTMX))
    merged_away = page_of(client.get(f"/admin/history/client/{source.id}", headers=HTMX))

    into_actions = [e["data-action"] for e in into.select("[data-testid=history-event]")]
    away_actions = [e["data-action"] for e in merged_away.select("[data-testid=history-event]")]
    assert into_actions[0] == "client.merge" and "client.create" in into_actions
    assert away_actions[0] == "client.merge"
