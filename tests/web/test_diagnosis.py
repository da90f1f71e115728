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


def test_a_fix_from_the_page_reloads_it(
    client: TestClient, personas: Personas, pending_member: Member
) -> None:
    log_in(client, "olivia")
    headers = htmx_headers(client) | {
        "HX-Current-URL": f"http://testserver/admin/members/detail?pk={pending_member.id}"
    }

    response = client.post(
        f"/admin/do/members/{pending_member.id}/validate", headers=headers, data={}
    )

    assert response.headers["hx-refresh"] == "true"
    page = client.get(f"/admin/members/detail?pk={pending_member.id}").text
    assert "Pending validation" not in page
