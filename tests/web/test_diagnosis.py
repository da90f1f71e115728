from __future__ import annotations

from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from models import Member
from tests.conftest import Personas, htmx_headers, log_in


def test_the_member_page_opens_with_what_is_wrong_and_the_fix(
    client: TestClient, personas: Personas, pending_member: Member
) -> None:
    log_in(client, "olivia")

    soup = BeautifulSoup(
        client.get(f"/admin/members/detail?pk={pending_member.id}").text, "html.parser"
    )

    diagnosis = soup.select_one("[data-testid=diagnosis]")
    assert diagnosis is not None
    assert "Pending validation" in diagnosis.text
    assert soup.select_one("[data-testid=fix-validate]")["hx-get"].endswith(
        f"/do/members/{pending_member.id}/validate"
    )


def test_a_fix_from_the_page_answers_in_the_panel_and_refreshes_the_page_body(
    client: TestClient, personas: Personas, pending_member: Member
) -> None:
    log_in(client, "olivia")
    page_url = f"http://testserver/admin/members/detail?pk={pending_member.id}"
    headers = htmx_headers(client) | {"HX-Current-URL": page_url}

    response = client.post(
        f"/admin/do/members/{pending_member.id}/validate", headers=headers, data={}
    )

    assert "hx-refresh" not in response.headers  # no page load
    assert response.headers["hx-retarget"] == "#action-panel"
    soup = BeautifulSoup(response.text, "html.parser")
    assert "validated" in soup.select_one("[data-testid=outcome]").text
    refresh = soup.select_one("[hx-trigger=load]")
    assert (refresh["hx-get"], refresh["hx-select"]) == (page_url, ".page-body")
    page = client.get(f"/admin/members/detail?pk={pending_member.id}").text
    assert "Pending validation" not in page
