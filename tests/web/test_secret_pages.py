"""The pages a mailed link opens: one page for the member reset link and the login-account
links, asking for what the organisation's policy wants, with the real links the SMTP server
delivered."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from actions.passwords import verify_password
from models import AccountState, LoginAccount, Member, Organization
from tests.conftest import Personas, SmtpServer, htmx_headers, log_in, make_member
from tests.helpers import fresh
from tests.web.conftest import mailed_link, page_of


def _assert_pin_page(page: BeautifulSoup) -> None:
    field = page.select_one("input[name=password]")
    assert field is not None and field.get("inputmode") == "numeric"
    assert page.select_one("form[data-policy=pin]") is not None
    assert "PIN" in page.title.text if page.title else False
    assert "6 digits" in page.select_one("label[for=password]").text  # type: ignore[union-attr]


def _send_reset(client: TestClient, member: Member) -> None:
    log_in(client, "olivia")
    client.post(
        f"/admin/do/members/{member.id}/resend_password",
        headers=htmx_headers(client),
        data={"request_key": "k"},
    )


def test_the_member_link_of_a_pin_organisation_refuses_letters_and_stays_a_pin_page(
    client: TestClient,
    personas: Personas,
    session: Session,
    session_factory: sessionmaker[Session],
    smtp: SmtpServer,
    welfare: Organization,
) -> None:
    member = make_member(session, welfare)
    _send_reset(client, member)
    link = mailed_link(session, session_factory, smtp)
    _assert_pin_page(page_of(client.get(link)))

    refused = client.post(link, data={"password": "abcdefgh"})

    assert refused.status_code == 400
    page = page_of(refused)
    refusal = page.select_one("[data-testid=refusal]")
    assert refusal is not None and "6 digits" in refusal.text
    _assert_pin_page(page)
    fresh(session).expire_all()
    assert session.get(Member, member.id).password_hash is None  # type: ignore[union-attr]
    accepted = client.post(link, data={"password": "120963"})
    assert accepted.status_code == 200
    assert page_of(accepted).select_one("[data-testid=outcome]") is not None
    fresh(session).expire_all()
    saved = session.get(Member, member.id)
    assert saved is not None and verify_password(saved.password_hash, "120963")


def test_a_refused_pin_on_a_login_account_link_keeps_the_pin_page(
    client: TestClient,
    personas: Personas,
    session: Session,
    session_factory: sessionmaker[Session],
    smtp: SmtpServer,
    welfare: Organization,
) -> None:
    member = make_member(session, welfare)
    log_in(client, "olivia")
    client.post(
        f"/admin/do/members/{member.id}/generate_account", headers=htmx_headers(client), data={}
    )
    link = mailed_link(session, session_factory, smtp)

    refused = client.post(link, data={"password": "123478"})

    assert refused.status_code == 400
    page = page_of(refused)
    assert "ascending" in page.select_one("[data-testid=refusal]").text  # type: ignore[union-attr]
    _assert_pin_page(page)


def test_forgetting_an_account_kills_its_mailed_activation_link_at_once(
    client: TestClient,
    personas: Personas,
    session: Session,
    session_factory: sessionmaker[Session],
    smtp: SmtpServer,
    welfare: Organization,
) -> None:
    member = make_member(session, welfare)
    log_in(client, "olivia")
    headers = htmx_headers(client)
    client.post(f"/admin/do/members/{member.id}/generate_account", headers=headers, data={})
    link = mailed_link(session, session_factory, smtp)
    account = fresh(session).scalar(select(LoginAccount))
    assert account is not None

    client.post(f"/admin/do/login_accounts/{account.id}/forget", headers=headers, data={})
    opened = client.get(link)
    used = client.post(link, data={"password": "120963"})

    assert opened.status_code == 400 and used.status_code == 400
    assert "not valid any more" in page_of(used).select_one("[data-testid=refusal]").text  # type: ignore[union-attr]
    assert page_of(used).select_one("input[name=password]") is None
    fresh(session).refresh(account)
    assert account.state == AccountState.PENDING_ACTIVATION and account.secret_hash is None
