"""An outcome says everything the action changed (actions/consequences.py), and offers the
next step where there is one: Undo after a merge."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import Client, ClientEvent, Organization, Training
from tests.conftest import Personas, htmx_headers, log_in
from tests.helpers import mrossi_account

LIST = "http://testserver/admin/{key}/list"


def _post(client: TestClient, path: str, current: str, **data: str) -> BeautifulSoup:
    headers = htmx_headers(client) | {"HX-Current-URL": current}
    response = client.post(path, headers=headers, data=data)
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def _facts(soup: BeautifulSoup) -> list[str]:
    return [" ".join(f.text.split()) for f in soup.select("[data-testid=outcome-fact]")]


def test_enrolling_again_says_which_enrolment_was_cancelled(
    client: TestClient, personas: Personas, session: Session
) -> None:
    march = Training(training_type="PSC1", starts_on=dt.date(2027, 3, 1))
    april = Training(training_type="PSC1", starts_on=dt.date(2027, 4, 1))
    session.add_all([march, april])
    session.commit()
    log_in(client, "olivia")
    trainee = {"trainee_name": "Jean Dupont", "trainee_email": "jean@example.fr"}
    current = LIST.format(key="trainings")

    first = _post(client, f"/admin/do/trainings/{march.id}/enrol", current, **trainee)
    again = _post(client, f"/admin/do/trainings/{april.id}/enrol", current, **trainee)

    assert _facts(first) == []
    [fact] = _facts(again)
    assert "earlier pending enrolment of Jean Dupont in PSC1 2027-03-01" in fact
    assert "is cancelled" in fact
    assert "Jean Dupont is enrolled" in again.select_one("[data-testid=outcome]").text


def test_a_phone_code_outcome_names_the_number_never_the_username(
    client: TestClient, personas: Personas, session: Session, organization: Organization
) -> None:
    account = mrossi_account(session, organization, mobile="+393331234567")
    log_in(client, "olivia")

    soup = _post(
        client,
        f"/admin/do/login_accounts/{account.id}/send_phone_code",
        LIST.format(key="login_accounts"),
        request_key="k1",
    )

    outcome = " ".join(soup.select_one("[data-testid=outcome]").text.split())
    assert "+393331234567, the mobile of Mario Rossi" in outcome
    assert "mrossi" not in outcome


def test_a_plain_form_flashes_the_facts_with_the_outcome(
    client: TestClient, personas: Personas, session: Session, organization: Organization
) -> None:
    account = mrossi_account(session, organization, mobile="+393331234567")
    log_in(client, "olivia")
    headers = {"X-CSRFToken": htmx_headers(client)["X-CSRFToken"]}

    response = client.post(
        f"/admin/do/login_accounts/{account.id}/send_phone_code",
        headers=headers,
        data={"request_key": "k2"},
    )

    assert "the mobile of Mario Rossi" in response.text  # on the list it went back to


def _pair(session: Session) -> tuple[Client, Client]:
    source = Client(client_number="C000002", legal_name="Mairie de Toulon Ouest")
    target = Client(client_number="C000001", legal_name="Mairie de Toulon")
    session.add_all([source, target])
    session.flush()
    session.add(ClientEvent(client_id=source.id, description="cover"))
    session.commit()
    return source, target


def _merge(client: TestClient, source: Client, current: str) -> BeautifulSoup:
    path = f"/admin/do/clients/{source.id}/merge"
    preview = _post(client, path, current, target="C000001")
    step = preview.select_one("input[name=step]")["value"]
    return _post(client, path, current, target="C000001", step=step)


def test_a_merge_from_the_list_offers_undo_in_its_outcome_row(
    client: TestClient, personas: Personas, session: Session
) -> None:
    source, _target = _pair(session)
    log_in(client, "olivia")

    soup = _merge(client, source, LIST.format(key="clients"))

    assert "C000002 is merged into C000001" in soup.select_one("[data-testid=outcome]").text
    undo = soup.select_one("[data-testid=outcome] [data-testid=undo]")
    assert undo["hx-post"].endswith(f"/do/clients/{source.id}/undo_merge")  # one click
    assert undo["hx-target"] == "#action-panel"
    assert "until then the merge can be undone" in _facts(soup)[0]


def test_a_merge_from_a_page_keeps_its_outcome_and_undo_in_the_panel(
    client: TestClient, personas: Personas, session: Session
) -> None:
    source, _target = _pair(session)
    log_in(client, "olivia")
    page = f"http://testserver/admin/clients/detail?pk={source.id}"
    path = f"/admin/do/clients/{source.id}/merge"
    step = _post(client, path, page, target="C000001").select_one("input[name=step]")["value"]

    headers = htmx_headers(client) | {"HX-Current-URL": page}
    response = client.post(path, headers=headers, data={"target": "C000001", "step": step})

    assert response.headers["hx-retarget"] == "#action-panel"
    assert "hx-refresh" not in response.headers
    soup = BeautifulSoup(response.text, "html.parser")
    undo = soup.select_one("[data-testid=undo]")
    assert undo["hx-post"].endswith(f"/do/clients/{source.id}/undo_merge")
    refresh = soup.select_one("[hx-trigger=load]")
    assert refresh["hx-get"] == page and refresh["hx-select"] == ".page-body"

    # The row action's confirmation step is still there for an Undo from the row or page.
    form = client.get(undo["hx-post"], headers={"HX-Request": "true"})
    confirm_form = BeautifulSoup(form.text, "html.parser").select_one("form")
    assert confirm_form["hx-target"] == f"tr[data-sa-pk='{source.id}']"
    assert confirm_form.select_one(f"tr[data-sa-pk='{source.id}']") is not None
    undone = client.post(undo["hx-post"], headers=headers, data={})
    outcome = BeautifulSoup(undone.text, "html.parser").select_one("[data-testid=outcome]")
    assert "1 events are back on C000002" in outcome.text
    session.refresh(source)
    assert source.merged_into_id is None


def test_forgetting_says_the_next_step_is_generate(
    client: TestClient, personas: Personas, session: Session, organization: Organization
) -> None:
    account = mrossi_account(session, organization)
    log_in(client, "olivia")

    soup = _post(
        client, f"/admin/do/login_accounts/{account.id}/forget", LIST.format(key="login_accounts")
    )

    assert "the next step is Generate login account" in _facts(soup)[0]


def test_the_outcome_of_forget_runs_generate_in_one_click(
    client: TestClient, personas: Personas, session: Session, organization: Organization
) -> None:
    account = mrossi_account(session, organization)
    log_in(client, "olivia")
    page = f"http://testserver/admin/members/detail?pk={account.member_id}"

    soup = _post(client, f"/admin/do/login_accounts/{account.id}/forget", page)

    generate = soup.select_one("[data-testid=next-generate_account]")
    assert generate["hx-post"].endswith(f"/do/members/{account.member_id}/generate_account")
    assert generate["hx-target"] == "#action-panel"
    headers = htmx_headers(client) | {"HX-Current-URL": page, "HX-Target": "action-panel"}
    response = client.post(generate["hx-post"], headers=headers, data={})
    outcome = BeautifulSoup(response.text, "html.parser").select_one("[data-testid=outcome]")
    assert "is created" in outcome.text and "valid 24 hours" in outcome.text


def test_a_refused_action_drops_what_it_told(
    client: TestClient, personas: Personas, session: Session, organization: Organization
) -> None:
    account = mrossi_account(session, organization)
    log_in(client, "olivia")
    current = LIST.format(key="login_accounts")
    _post(client, f"/admin/do/login_accounts/{account.id}/forget", current)

    again = _post(client, f"/admin/do/login_accounts/{account.id}/forget", current)

    assert again.select_one("[data-testid=refusal]") is not None
    assert _facts(again) == [] and again.select_one("[data-follow-up]") is None
