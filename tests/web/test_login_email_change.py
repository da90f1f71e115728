"""A link mailed to a login account's old address dies when the login e-mail changes: the
real link the SMTP server delivered no longer opens the page that sets the secret."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from models import AccountState, CredentialPolicy, LoginAccount, Organization
from tests.conftest import Personas, SmtpServer, htmx_headers, log_in, make_member
from tests.helpers import fresh, last_event
from tests.web.conftest import mailed_link


@pytest.fixture
def portal(session: Session) -> Organization:
    org = Organization(
        name="Portale Verdi",
        company_code="VERDI",
        language="en",
        credential_policy=CredentialPolicy.PASSWORD,
    )
    session.add(org)
    session.commit()
    return org


def _refusal(response: object) -> str:
    found = BeautifulSoup(getattr(response, "text", ""), "html.parser").select_one(
        "[data-testid=refusal]"
    )
    return found.text if found else ""


@pytest.mark.parametrize("kind", ["activation", "reset"])
def test_a_link_mailed_to_the_old_login_email_stops_working_when_it_changes(
    client: TestClient,
    personas: Personas,
    session: Session,
    session_factory: sessionmaker[Session],
    smtp: SmtpServer,
    portal: Organization,
    kind: str,
) -> None:
    member = make_member(session, portal, email="mario@example.org")
    log_in(client, "olivia")
    headers = htmx_headers(client)
    client.post(f"/admin/do/members/{member.id}/generate_account", headers=headers, data={})
    link = mailed_link(session, session_factory, smtp, 1)
    account = fresh(session).scalar(select(LoginAccount))
    assert account is not None
    if kind == "reset":
        assert client.post(link, data={"password": "Mario2026!"}).status_code in (200, 303)
        client.post(f"/admin/do/login_accounts/{account.id}/reset_secret", headers=headers, data={})
        link = mailed_link(session, session_factory, smtp, 2)
        assert "/account/reset/" in link

    changed = client.post(
        f"/admin/do/login_accounts/{account.id}/change_email",
        headers=headers,
        data={"login_email": "mario.new@example.org"},
    )
    opened = client.get(link)
    used = client.post(link, data={"password": "Evil2026!x"})

    assert changed.status_code == 200
    assert opened.status_code == 400 and used.status_code == 400
    assert "not valid any more" in _refusal(used)
    fresh(session).refresh(account)
    assert account.login_email == "mario.new@example.org"
    if kind == "activation":
        assert account.state == AccountState.PENDING_ACTIVATION and account.secret_hash is None
    assert last_event(fresh(session), "login_account.change_email").after["links_revoked"] is True
