"""An administrator sets the address where a supervisor receives the trail's anchors."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import Operator
from tests.conftest import Personas, htmx_headers, log_in
from tests.helpers import events, fresh


def _set(client: TestClient, operator_id: int, email: str) -> BeautifulSoup:
    response = client.post(
        f"/admin/do/operators/{operator_id}/set_email",
        data={"email": email},
        headers=htmx_headers(client),
    )
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


def test_an_admin_sets_a_supervisors_address(
    client: TestClient, personas: Personas, session: Session
) -> None:
    log_in(client, "ada")
    form = client.get(f"/admin/do/operators/{personas.supervisor.id}/set_email")
    assert BeautifulSoup(form.text, "html.parser").select_one("[data-testid=email]")

    _set(client, personas.supervisor.id, "sam@example.org")

    fresh(session).expire_all()
    assert session.get(Operator, personas.supervisor.id).email == "sam@example.org"
    assert events(session, "operator.set_email")[-1].after == {"email": "sam@example.org"}
    listed = client.get("/admin/operators/list")
    assert listed.status_code == 200


def test_a_bad_address_is_refused_with_the_reason(
    client: TestClient, personas: Personas, session: Session
) -> None:
    log_in(client, "ada")

    page = _set(client, personas.supervisor.id, "sam.example.org")

    refusal = page.select_one("[data-testid=refusal]")
    assert refusal is not None and "no @" in refusal.text
    assert page.select_one("[data-testid=email]")["value"] == "sam.example.org"
    fresh(session).expire_all()
    assert session.get(Operator, personas.supervisor.id).email is None


def test_a_supervisor_may_not_set_addresses(client: TestClient, personas: Personas) -> None:
    log_in(client, "sam")

    response = client.post(
        f"/admin/do/operators/{personas.supervisor.id}/set_email",
        data={"email": "sam@example.org"},
        headers=htmx_headers(client),
    )

    assert response.status_code == 403
