from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import Client, ClientEvent, EventKind, OutboxMessage
from tests.conftest import Personas, csrf_token, log_in
from tests.helpers import fresh


def _post(client: TestClient, **values: str) -> BeautifulSoup:
    data = {"kind": "event_cover", "language": "fr", **values}
    data["csrftoken"] = csrf_token(client.get("/admin/intake").text)
    response = client.post("/admin/intake", data=data, follow_redirects=True)
    return BeautifulSoup(response.text, "html.parser")


def test_a_new_clients_request_creates_it_and_mails_its_number(
    client: TestClient, personas: Personas, session: Session
) -> None:
    log_in(client, "olivia")

    page = _post(
        client,
        legal_name="Mairie de Brest",
        identifier="214 301 376 00015",
        requester_email="accueil@brest.example.fr",
        description="Couverture du marché de Noël",
    )

    new = fresh(session).scalars(select(Client)).one()
    assert new.identifier == "21430137600015"
    assert f"New client {new.client_number}" in page.text
    assert len(page.select("[data-testid=client-event]")) == 1  # lands on the client's page
    [mail] = fresh(session).scalars(select(OutboxMessage)).all()
    assert mail.recipient == "accueil@brest.example.fr" and new.client_number in mail.body


def test_a_known_clients_request_attaches_and_says_why(
    client: TestClient, personas: Personas, session: Session
) -> None:
    session.add(Client(client_number="C000001", legal_name="Mairie de Brest S.A.S."))
    session.commit()
    log_in(client, "olivia")

    page = _post(client, legal_name="MAIRIE DE BREST", requester_email="x@brest.example.fr")

    assert "same legal name" in page.text
    [event] = fresh(session).scalars(select(ClientEvent)).all()
    assert event.kind == EventKind.EVENT_COVER
    assert fresh(session).scalar(select(OutboxMessage)) is None


def test_a_refused_request_keeps_what_was_typed_and_writes_nothing(
    client: TestClient, personas: Personas, session: Session
) -> None:
    log_in(client, "olivia")

    page = _post(
        client,
        legal_name="Mairie de Brest",
        identifier="214 301 376 00016",
        description="Couverture",
        requester_email="accueil@brest.example.fr",
    )

    assert "not valid" in page.select_one("[data-testid=refusal]").text
    assert "is-invalid" in page.select_one("#identifier")["class"]
    assert page.select_one("#legal_name")["value"] == "Mairie de Brest"
    assert page.select_one("#description").text == "Couverture"
    assert page.select_one("#kind option[selected]")["value"] == "event_cover"
    assert fresh(session).scalar(select(Client)) is None


def test_a_wrong_e_mail_is_refused_on_its_field(
    client: TestClient, personas: Personas, session: Session
) -> None:
    log_in(client, "olivia")

    page = _post(client, legal_name="Mairie de Brest", requester_email="accueil@@brest")

    assert "is-invalid" in page.select_one("#requester_email")["class"]
    assert fresh(session).scalar(select(Client)) is None
