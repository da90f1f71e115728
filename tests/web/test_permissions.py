"""Crafted requests: what each persona, and someone with no session, can reach."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import AuditEvent, Client, Member, MemberState, Operator
from tests.conftest import Personas, htmx_headers, log_in
from tests.helpers import fresh

AUDIT_URLS = [
    "/admin/audit/list",
    "/admin/audit/detail?pk=1",
    "/admin/_api/audit/relation-lookup",
    "/admin/_api/audit/inline-edit/row?pk=1",
]


@pytest.mark.parametrize("url", AUDIT_URLS)
def test_an_operator_cannot_open_the_audit_view_or_its_api(
    client: TestClient, personas: Personas, url: str
) -> None:
    log_in(client, "olivia")

    response = client.get(url)

    assert response.status_code == 403
    assert "operator.login" not in response.text


def test_an_operator_cannot_export_the_audit_trail(client: TestClient, personas: Personas) -> None:
    log_in(client, "olivia")

    response = client.post("/admin/_api/audit/action?name=export", headers=htmx_headers(client))

    # starlette-admin answers a refused batch action with 400 "Forbidden"
    assert response.status_code in (400, 403)
    assert "operator.login" not in response.text


@pytest.mark.parametrize("username", ["sam", "ada"])
def test_supervisors_and_admins_read_the_audit_trail(
    client: TestClient, personas: Personas, username: str
) -> None:
    log_in(client, username)

    response = client.get("/admin/audit/list")

    assert response.status_code == 200
    assert "operator.login" in response.text


def test_nobody_can_edit_or_create_an_audit_event_through_the_console(
    client: TestClient, personas: Personas, session: Session
) -> None:
    log_in(client, "ada")
    headers = htmx_headers(client)

    assert client.get("/admin/audit/edit?pk=1").status_code == 403
    assert (
        client.post("/admin/audit/edit?pk=1", headers=headers, data={"action": "x"}).status_code
        == 403
    )
    assert (
        client.post("/admin/audit/create", headers=headers, data={"action": "x"}).status_code == 403
    )
    response = client.post(
        "/admin/_api/audit/row-action?name=delete&pk=1", headers=headers, follow_redirects=False
    )
    assert response.status_code in (400, 403, 404)
    assert session.scalar(select(AuditEvent).where(AuditEvent.seq == 1)) is not None


@pytest.mark.parametrize(
    "url",
    [
        "/admin/members/list",
        "/admin/audit/list",
        "/admin/_api/members/relation-lookup",
        "/admin/do/members/1/validate",
        "/admin/outbox/list",
        "/admin/duplicates",
        "/admin/intake",
        "/admin/clients/1/targets?target=C",
        "/admin/clients/detail?pk=1",
        "/admin/portal",
        "/admin/tickets/open",
        "/admin/tickets/list",
        "/admin/tickets_mine/list",
        "/admin/tickets_overdue/list",
        "/admin/access_requests/list",
        "/admin/do/tickets/1/assign",
        "/admin/do/access_requests/1/approve",
        "/admin/campaigns/list",
        "/admin/campaigns/detail?pk=1",
        "/admin/campaigns/1/boxes",
        "/admin/campaigns/1/appointments",
        "/admin/appointments/list",
        "/admin/appointments/report",
        "/admin/appointments/report.csv",
        "/admin/agents/list",
        "/admin/unavailabilities/list",
        "/admin/do/campaigns/1/book",
        "/admin/do/appointments/1/confirm",
    ],
)
def test_a_request_without_a_session_gets_no_data(
    client: TestClient, pending_member: Member, url: str
) -> None:
    response = client.get(url, follow_redirects=False)

    assert response.status_code == 303
    assert "/admin/login" in response.headers["location"]
    assert "Rossi" not in response.text


def test_a_post_without_the_csrf_token_is_refused(
    client: TestClient, personas: Personas, pending_member: Member, session: Session
) -> None:
    log_in(client, "olivia")

    response = client.post(
        f"/admin/do/members/{pending_member.id}/validate", data={"dues_year": "2026"}
    )

    assert response.status_code == 403
    assert 'data-testid="csrf-refused"' in response.text
    fresh(session).expire_all()
    assert session.get(Member, pending_member.id).state == MemberState.PENDING


def test_a_post_with_a_forged_csrf_token_is_refused(
    client: TestClient, personas: Personas, pending_member: Member
) -> None:
    log_in(client, "olivia")

    response = client.post(
        f"/admin/do/members/{pending_member.id}/validate",
        headers={"X-CSRFToken": "forged.token", "HX-Request": "true"},
    )

    assert response.status_code == 403


def test_an_operator_cannot_manage_operators(
    client: TestClient, personas: Personas, session: Session
) -> None:
    log_in(client, "olivia")
    headers = htmx_headers(client)

    assert client.get("/admin/operators/list").status_code == 403
    response = client.post(f"/admin/do/operators/{personas.admin.id}/disable", headers=headers)

    assert response.status_code == 403
    fresh(session).expire_all()
    assert session.get(Operator, personas.admin.id).active


def test_a_supervisor_cannot_disable_an_operator_either(
    client: TestClient, personas: Personas, session: Session
) -> None:
    log_in(client, "sam")

    response = client.post(
        f"/admin/do/operators/{personas.operator.id}/disable", headers=htmx_headers(client)
    )

    assert response.status_code == 403


def test_an_admin_disables_an_operator_who_is_signed_out_at_once(
    client: TestClient, personas: Personas, app: Any
) -> None:
    with TestClient(app) as olivias_browser:
        log_in(olivias_browser, "olivia")
        assert olivias_browser.get("/admin/members/list").status_code == 200
        log_in(client, "ada")

        response = client.post(
            f"/admin/do/operators/{personas.operator.id}/disable", headers=htmx_headers(client)
        )

        assert response.status_code == 200
        assert olivias_browser.get("/admin/members/list", follow_redirects=False).status_code == 303


def test_an_unknown_row_action_is_not_found(
    client: TestClient, personas: Personas, pending_member: Member
) -> None:
    log_in(client, "olivia")

    assert client.get(f"/admin/do/members/{pending_member.id}/delete_everything").status_code == 404
    assert client.get("/admin/do/members/not-a-number/validate").status_code == 404


def test_members_are_never_deleted_from_the_list(
    client: TestClient, personas: Personas, pending_member: Member, session: Session
) -> None:
    log_in(client, "ada")

    client.post(
        f"/admin/_api/members/row-action?name=delete&pk={pending_member.id}",
        headers=htmx_headers(client),
    )

    fresh(session).expire_all()
    assert session.get(Member, pending_member.id) is not None


def _row_actions() -> list[tuple[str, str]]:
    from tests.test_docs import ROW_ACTIONS

    return [(view.key, action.name) for view, action in ROW_ACTIONS]


@pytest.mark.parametrize(("key", "action"), _row_actions())
def test_every_row_action_refuses_a_post_without_the_csrf_token(
    client: TestClient, personas: Personas, key: str, action: str
) -> None:
    log_in(client, "ada")

    response = client.post(f"/admin/do/{key}/1/{action}", data={"confirmation": "x"})

    assert response.status_code == 403
    assert 'data-testid="csrf-refused"' in response.text


@pytest.mark.parametrize(
    "url", ["/admin/intake", "/admin/register", "/admin/portal", "/admin/tickets/open"]
)
def test_a_form_page_refuses_a_post_without_the_csrf_token(
    client: TestClient, personas: Personas, session: Session, url: str
) -> None:
    log_in(client, "olivia")

    response = client.post(url, data={"legal_name": "Mairie de Brest"})

    assert response.status_code == 403
    assert fresh(session).scalar(select(Client)) is None


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/admin/do/tickets/1/assign", {"assignee": "1"}),
        ("/admin/do/access_requests/1/approve", {}),
        ("/admin/do/campaigns/1/book", {"agent": "1", "prospect": "X", "starts_at": "2030-01-01"}),
        ("/admin/do/campaigns/1/renew", {"added": "100"}),
        ("/admin/do/appointments/1/cancel", {}),
        ("/admin/do/agents/1/unavailable", {"day": "2030-01-01"}),
        ("/admin/portal", {"form": "access_code", "vat_number": "02438750586"}),
    ],
)
def test_a_crafted_post_without_a_session_changes_nothing(
    client: TestClient, personas: Personas, session: Session, url: str, data: dict[str, str]
) -> None:
    before = len(list(fresh(session).scalars(select(AuditEvent))))

    response = client.post(url, data=data, follow_redirects=False)

    assert response.status_code in (303, 403)
    assert len(list(fresh(session).scalars(select(AuditEvent)))) == before
