from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from actions import outbox as outbox_actions
from models import OutboxMessage, OutboxStatus
from models.outbox import SecretKind
from tests.conftest import Personas, htmx_headers, log_in
from tests.helpers import last_event, outbox


def _message(session: Session, status: OutboxStatus) -> OutboxMessage:
    message = outbox_actions.enqueue(
        session,
        recipient="trainee@exmaple.org",
        subject="Confirmation",
        body="You are enrolled.",
        caused_by="test",
    )
    message.status = status
    session.commit()
    return message


def test_an_operator_resends_a_mail_to_a_corrected_address(
    client: TestClient, personas: Personas, session: Session
) -> None:
    message = _message(session, OutboxStatus.SENT)
    log_in(client, "olivia")
    headers = htmx_headers(client)
    form = BeautifulSoup(
        client.get(f"/admin/do/outbox/{message.id}/resend", headers=headers).text, "html.parser"
    )
    assert form.select_one("input[name=recipient]")["value"] == "trainee@exmaple.org"

    response = client.post(
        f"/admin/do/outbox/{message.id}/resend",
        headers=headers,
        data={"recipient": "trainee@example.org"},
    )

    assert response.status_code == 200
    copy = outbox(session)[-1]
    assert (copy.recipient, copy.status, copy.resent_from_id) == (
        "trainee@example.org",
        "queued",
        message.id,
    )
    assert last_event(session, "outbox.resend").operator_username == "olivia"


def test_a_mail_still_queued_cannot_be_resent(
    client: TestClient, personas: Personas, session: Session
) -> None:
    message = _message(session, OutboxStatus.QUEUED)
    log_in(client, "olivia")

    response = client.post(
        f"/admin/do/outbox/{message.id}/resend",
        headers=htmx_headers(client),
        data={"recipient": "x@example.org"},
    )

    refusal = BeautifulSoup(response.text, "html.parser").select_one("[data-testid=refusal]")
    assert refusal is not None and "still waiting" in refusal.text
    assert len(outbox(session)) == 1


def test_the_outbox_pages_and_exports_show_a_secret_link_hidden(
    client: TestClient, personas: Personas, session: Session
) -> None:
    link = "http://testserver/reset/SECRET-TOKEN-1234567890"
    message = outbox_actions.enqueue(
        session,
        recipient="mario.rossi@example.org",
        subject="Your password reset link",
        body=f"Hello,\n\nopen {link} within 24 hours.\n",
        caused_by="member.resend_password",
        secret=SecretKind.MEMBER_RESET,
        hidden=(link,),
    )
    session.commit()
    log_in(client, "sam")
    headers = htmx_headers(client)

    detail = client.get(f"/admin/outbox/detail?pk={message.id}").text
    listed = client.get("/admin/outbox/list").text
    exports = [
        client.post(
            "/admin/_api/outbox/action?name=export&all=1",
            data={"scope": "all", "format": fmt},
            headers=headers,
        )
        for fmt in ("csv", "json")
    ]

    assert "open ******** within 24 hours" in BeautifulSoup(detail, "html.parser").text
    assert all(response.status_code == 200 for response in exports)
    for text in (detail, listed, *(response.text for response in exports)):
        assert "SECRET-TOKEN" not in text and "/reset/" not in text
