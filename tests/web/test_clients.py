from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import Client, ClientEvent, ClientMerge
from tests.conftest import Personas, htmx_headers, log_in
from tests.helpers import fresh


def _clients(session: Session) -> tuple[Client, Client]:
    source = Client(client_number="C000002", legal_name="Mairie de Toulon Ouest")
    target = Client(client_number="C000001", legal_name="Mairie de Toulon")
    session.add_all([source, target])
    session.flush()
    session.add_all([ClientEvent(client_id=source.id, description="cover") for _ in range(2)])
    session.commit()
    return source, target


def test_merge_shows_the_preview_then_merges_what_it_showed(
    client: TestClient, personas: Personas, session: Session
) -> None:
    source, target = _clients(session)
    log_in(client, "olivia")
    headers = htmx_headers(client)
    url = f"/admin/do/clients/{source.id}/merge"

    step_one = client.post(url, headers=headers, data={"target": "C000001"})
    soup = BeautifulSoup(step_one.text, "html.parser")
    assert "2 events move" in soup.select_one("[data-testid=moving]").text
    expected = soup.select_one("input[name=expected]")["value"]
    assert fresh(session).scalar(select(ClientMerge)) is None

    step_two = client.post(url, headers=headers, data={"target": "C000001", "expected": expected})

    assert (
        BeautifulSoup(step_two.text, "html.parser").select_one("[data-testid=outcome]") is not None
    )
    assert set(fresh(session).scalars(select(ClientEvent.client_id))) == {target.id}


def test_a_merge_into_itself_is_refused_in_the_panel(
    client: TestClient, personas: Personas, session: Session
) -> None:
    source, _target = _clients(session)
    log_in(client, "olivia")

    response = client.post(
        f"/admin/do/clients/{source.id}/merge",
        headers=htmx_headers(client),
        data={"target": "C000002"},
    )

    assert (
        "into itself"
        in BeautifulSoup(response.text, "html.parser").select_one("[data-testid=refusal]").text
    )


def test_a_vanished_client_is_answered_not_crashed(client: TestClient, personas: Personas) -> None:
    log_in(client, "olivia")

    response = client.get("/admin/do/clients/999/merge", headers=htmx_headers(client))

    assert response.status_code == 200
    assert "no longer exists" in response.text
