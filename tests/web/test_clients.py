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
    step = soup.select_one("input[name=step]")["value"]
    assert fresh(session).scalar(select(ClientMerge)) is None

    step_two = client.post(url, headers=headers, data={"target": "C000001", "step": step})

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


def test_a_clients_page_lists_its_events_and_its_merges(
    client: TestClient, personas: Personas, session: Session
) -> None:
    source, target = _clients(session)
    log_in(client, "olivia")
    merge_through_preview(client, source.id, "C000001")

    page = BeautifulSoup(client.get(f"/admin/clients/detail?pk={target.id}").text, "html.parser")

    assert len(page.select("[data-testid=client-event]")) == 2
    assert "C000002" in page.select_one("[data-testid=client-merge]").text
    assert page.select_one(f"[data-testid=undo-merge-{target.id}]") is None
    assert page.select_one(f"[data-testid=merge-{target.id}]") is not None  # row actions here too
    emptied = BeautifulSoup(client.get(f"/admin/clients/detail?pk={source.id}").text, "html.parser")
    assert emptied.select_one("[data-testid=no-events]") is not None
    assert emptied.select_one(f"[data-testid=undo-merge-{source.id}]") is not None


def merge_through_preview(client: TestClient, source_id: int, target: str) -> BeautifulSoup:
    """The preview, then its confirmation: the answer to the confirmation."""
    url = f"/admin/do/clients/{source_id}/merge"
    preview = client.post(url, headers=htmx_headers(client), data={"target": target})
    step = BeautifulSoup(preview.text, "html.parser").select_one("input[name=step]")
    assert step is not None, "the preview shows no confirmation"
    confirmed = client.post(
        url, headers=htmx_headers(client), data={"target": target, "step": step["value"]}
    )
    return BeautifulSoup(confirmed.text, "html.parser")


def test_a_client_with_no_events_is_merged_after_its_preview(
    client: TestClient, personas: Personas, session: Session
) -> None:
    _source, target = _clients(session)
    empty = Client(client_number="C000009", legal_name="Toulon vide")
    session.add(empty)
    session.commit()
    log_in(client, "olivia")

    answer = merge_through_preview(client, empty.id, "C000001")

    assert answer.select_one("[data-testid=outcome]") is not None
    fresh(session).refresh(empty)
    assert empty.merged_into_id == target.id


def test_deleting_an_emptied_client_through_its_form(
    client: TestClient, personas: Personas, session: Session
) -> None:
    empty = Client(client_number="C000009", legal_name="Toulon vide")
    session.add(empty)
    session.commit()
    log_in(client, "olivia")
    url = f"/admin/do/clients/{empty.id}/delete"
    form = BeautifulSoup(client.get(url, headers=htmx_headers(client)).text, "html.parser")
    step = form.select_one("input[name=step]")["value"]

    client.post(url, headers=htmx_headers(client), data={"confirmation": "C000009", "step": step})

    fresh(session).expunge_all()
    assert session.get(Client, empty.id) is None


def test_the_target_box_suggests_clients_by_number_or_name(
    client: TestClient, personas: Personas, session: Session
) -> None:
    source, _target = _clients(session)
    session.add(Client(client_number="C000003", legal_name="Comune di Roma"))
    session.commit()
    log_in(client, "olivia")

    def suggested(typed: str) -> list[str]:
        response = client.get(
            f"/admin/clients/{source.id}/targets",
            params={"target": typed},
            headers=htmx_headers(client),
        )
        return [o["value"] for o in BeautifulSoup(response.text, "html.parser").select("option")]

    assert suggested("mairie de") == ["C000001"]  # never the source itself
    assert suggested("c00000") == ["C000001", "C000003"]
    assert suggested("Comune") == ["C000003"]
    assert suggested("") == []


def test_the_duplicate_finder_page_groups_pairs_with_a_merge_on_each(
    client: TestClient, personas: Personas, session: Session
) -> None:
    _clients(session)
    session.add_all(
        [
            Client(client_number="C000003", legal_name="MAIRIE DE TOULON OUEST"),
            Client(client_number="C000004", legal_name="Gemeente Utrecht"),
            Client(client_number="C000005", legal_name="Gemeente Utrect"),
            Client(client_number="C000006", legal_name="Comune di Roma"),
        ]
    )
    session.commit()
    log_in(client, "olivia")

    page = BeautifulSoup(client.get("/admin/duplicates?min_score=80").text, "html.parser")

    groups = page.select("[data-testid=duplicate-group]")
    numbers = [
        sorted(row["data-number"] for row in group.select("[data-testid=group-client]"))
        for group in groups
    ]
    assert sorted(numbers) == [["C000001", "C000002", "C000003"], ["C000004", "C000005"]]
    toulon = groups[[n[0] for n in numbers].index("C000001")]
    events = {
        row["data-number"]: row.select_one("[data-testid=events]").text
        for row in toulon.select("[data-testid=group-client]")
    }
    assert events == {"C000001": "0", "C000002": "2", "C000003": "0"}
    pair = next(
        p for p in toulon.select("[data-testid=duplicate-pair]") if p["data-second"] == "C000003"
    )
    assert "certain" in pair.text and "same name" in pair.text
    merge_url = pair.select_one("[data-testid=merge-pair]")["href"]

    form = BeautifulSoup(client.get(merge_url, headers=htmx_headers(client)).text, "html.parser")

    assert form.select_one("[data-testid=target]")["value"] == pair["data-first"]


def test_the_duplicate_finder_shows_one_clients_groups(
    client: TestClient, personas: Personas, session: Session
) -> None:
    _clients(session)
    session.add_all(
        [
            Client(client_number="C000004", legal_name="Gemeente Utrecht"),
            Client(client_number="C000005", legal_name="Gemeente Utrect"),
        ]
    )
    session.commit()
    log_in(client, "olivia")

    page = BeautifulSoup(
        client.get("/admin/duplicates", params={"client": "c000005", "min_score": "80"}).text,
        "html.parser",
    )
    [group] = page.select("[data-testid=duplicate-group]")
    assert {r["data-number"] for r in group.select("[data-testid=group-client]")} == {
        "C000004",
        "C000005",
    }
    none = BeautifulSoup(
        client.get("/admin/duplicates", params={"client": "C000999"}).text, "html.parser"
    )
    assert none.select_one("[data-testid=no-duplicates]") is not None


def test_a_wrong_siret_is_refused_on_the_edit_form_and_kept(
    client: TestClient, personas: Personas, session: Session
) -> None:
    _source, target = _clients(session)
    log_in(client, "olivia")
    form = BeautifulSoup(client.get(f"/admin/clients/edit?pk={target.id}").text, "html.parser")
    data = {
        i["name"]: i.get("value", "")
        for i in form.select("form input[name]")
        if i.get("type") != "checkbox"
    }
    data.update(identifier="214 301 376 00016")

    response = client.post(f"/admin/clients/edit?pk={target.id}", data=data)

    soup = BeautifulSoup(response.text, "html.parser")
    assert "check character" in soup.select_one("#identifier-error").text
    assert soup.select_one("#identifier")["value"] == "214 301 376 00016"
    assert fresh(session).get_one(Client, target.id).identifier is None
