"""No operator gets a working link to an address that is not on file.

Olivia, the operator, tries every path the console gives her (outbox resend, resend
password, reset, register, generate, change the e-mail on the member and on the login
account) to have a link that sets a PIN or password delivered to her own address. The real
SMTP server says what was delivered and where; every link that reached her is tried.
"""

from __future__ import annotations

import re
from email.message import Message
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from actions.outbox import dispatch_once, transports_from
from models import (
    AccountState,
    CredentialPolicy,
    LoginAccount,
    Member,
    Organization,
    OutboxMessage,
    OutboxStatus,
    Outcome,
)
from tests.conftest import Personas, SmtpServer, csrf_token, htmx_headers, log_in, make_member
from tests.helpers import events, fresh, last_event, outbox

MALLORY = "mallory@evil.example"
LINK = re.compile(r"https?://[^\s\"'<>]+?(/reset/|/account/(?:activation|reset)/)([\w-]{20,})")


@pytest.fixture
def library(session: Session) -> Organization:
    """Seeds 001 and 004: passwords; an e-mail may be missing and is then filled in."""
    org = Organization(
        name="Bibliotheek",
        company_code="BIB",
        country="NL",
        language="en",
        isil="NL-1234AB",
        credential_policy=CredentialPolicy.PASSWORD,
    )
    session.add(org)
    session.commit()
    return org


@pytest.fixture
def mario(session: Session, welfare: Organization) -> Member:
    member = make_member(session, welfare, email="mario.rossi@example.org", mobile="+393331234567")
    session.add(
        LoginAccount(
            organization=welfare,
            member=member,
            username="mario.rossi@example.org",
            login_email="mario.rossi@example.org",
            state=AccountState.ACTIVE,
        )
    )
    session.commit()
    return member


@pytest.fixture
def anne(session: Session, library: Organization) -> Member:
    return make_member(session, library, first_name="Anne", email="anne@example.nl", tax_code="X1")


@pytest.fixture
def giulia(session: Session, welfare: Organization) -> Member:
    """A PIN-policy member with no e-mail on file."""
    return make_member(
        session, welfare, first_name="Giulia", email=None, tax_code="BNCGLI80A41H501C"
    )


def _account(session: Session, member: Member) -> LoginAccount:
    account = fresh(session).scalar(select(LoginAccount).where(LoginAccount.member_id == member.id))
    assert account is not None
    return account


def _do(client: TestClient, view: str, pk: int, action: str, **data: str) -> BeautifulSoup:
    response = client.post(
        f"/admin/do/{view}/{pk}/{action}", headers=htmx_headers(client), data=data
    )
    assert response.status_code < 500, response.text[:300]
    return BeautifulSoup(response.text, "html.parser")


def _deliver(session: Session, factory: sessionmaker[Session], smtp: SmtpServer) -> None:
    session.commit()
    dispatch_once(factory, transports_from(smtp.url, "desk@example.org"))
    session.expire_all()


def _text(mail: Message) -> str:
    payload = mail.get_payload(decode=True)
    return payload.decode() if isinstance(payload, bytes) else str(payload)


def _works(client: TestClient, path: str, token: str) -> bool:
    """Whether the link opens a form that accepts a secret of either policy."""
    url = f"{path}{token}"
    if client.get(url).status_code != 200:
        return False
    return any(
        client.post(url, data={"password": s}).status_code == 200 for s in ("120963", "Welcome2026")
    )


def _sent(session: Session) -> list[OutboxMessage]:
    return [m for m in outbox(session) if m.status == OutboxStatus.SENT]


def _edit_member(client: TestClient, member: Member, **changes: str) -> Any:
    """Post the member's edit form as it is shown, with `changes` typed over it."""
    edit = BeautifulSoup(client.get(f"/admin/members/edit?pk={member.id}").text, "html.parser")
    form = edit.select_one("input[name=first_name]").find_parent("form")  # type: ignore[union-attr]
    values: dict[str, Any] = {
        i["name"]: i.get("value", "")
        for i in form.select("input[name]")
        if i.get("type") != "checkbox"
    }
    values |= {"organization": str(member.organization_id)} | changes
    return client.post(f"/admin/members/edit?pk={member.id}", data=values, follow_redirects=False)


def _refusal_text(response: Any) -> str:
    page = BeautifulSoup(response.text, "html.parser")
    return " ".join(e.get_text(" ", strip=True) for e in page.select(".invalid-feedback"))


def test_no_path_gets_a_working_link_to_an_address_not_on_file(
    client: TestClient,
    personas: Personas,
    session: Session,
    session_factory: sessionmaker[Session],
    smtp: SmtpServer,
    welfare: Organization,
    library: Organization,
    mario: Member,
    anne: Member,
    giulia: Member,
) -> None:
    log_in(client, "olivia")
    # What an operator does every day: a member reset, a PIN reset, a new login account.
    _do(client, "members", mario.id, "resend_password", request_key="r1")
    _do(client, "login_accounts", _account(session, mario).id, "reset_secret", request_key="r2")
    _do(client, "members", anne.id, "generate_account")
    _do(client, "login_accounts", _account(session, mario).id, "send_phone_code", request_key="r3")
    _deliver(session, session_factory, smtp)
    assert {m["To"] for m in smtp.mailbox.wait_for(3)} == {
        "mario.rossi@example.org",
        "anne@example.nl",
    }
    originals = _sent(session)
    assert len(originals) == 4

    attempts: list[tuple[str, BeautifulSoup]] = []
    # 1. Resend each of those messages from the outbox to Olivia's own address.
    for message in originals:
        attempts.append(
            (
                f"outbox {message.caused_by}",
                _do(client, "outbox", message.id, "resend", recipient=MALLORY),
            )
        )
    # 2. Resend password with a typed address: for a member who has one, and for a
    #    PIN-policy member who has none (seed 000: the registered e-mail is the credential).
    attempts.append(
        ("resend password", _do(client, "members", mario.id, "resend_password", email=MALLORY))
    )
    attempts.append(
        ("fill in (PIN)", _do(client, "members", giulia.id, "resend_password", email=MALLORY))
    )
    # 3. Register the same person again with Olivia's address.
    page = client.get("/admin/register")
    registered = client.post(
        "/admin/register",
        data={
            "company_code": "ROSSI",
            "first_name": "Mario",
            "last_name": "Rossi",
            "tax_code": mario.tax_code or "",
            "email": MALLORY,
            "mobile": "333 765 4321",
            "csrftoken": csrf_token(page.text),
        },
        follow_redirects=False,
    )
    attempts.append(("register", BeautifulSoup(registered.text, "html.parser")))
    # 4. Change the login e-mail of the PIN account, then ask for a reset.
    mario_account = _account(session, mario)
    attempts.append(
        (
            "change login e-mail",
            _do(client, "login_accounts", mario_account.id, "change_email", login_email=MALLORY),
        )
    )
    # 5. Change the member's e-mail on the member form (seed 000: it never changes), give
    #    one to a PIN-policy member who has none, or move the member to a password
    #    organisation and back with a new address.
    edited = _edit_member(client, mario, email=MALLORY)
    given = _edit_member(client, giulia, email=MALLORY)
    moved = _edit_member(client, mario, organization=str(library.id))
    moved_back = _edit_member(client, mario, organization=str(library.id), email=MALLORY)
    _edit_member(client, mario, email=MALLORY, organization=str(welfare.id))
    attempts.append(("fill in (PIN) again", _do(client, "members", giulia.id, "resend_password")))
    # 6. Crafted extra fields on the actions that mail a link: generate, resend activation, reset.
    _do(client, "members", anne.id, "generate_account", email=MALLORY, login_email=MALLORY)
    anne_account = _account(session, anne)
    _do(client, "login_accounts", anne_account.id, "resend_activation", login_email=MALLORY)
    _do(
        client,
        "login_accounts",
        mario_account.id,
        "reset_secret",
        login_email=MALLORY,
        email=MALLORY,
    )
    # 7. Forget Mario's account and generate a new one.
    _do(client, "login_accounts", mario_account.id, "forget")
    _do(client, "members", mario.id, "generate_account", email=MALLORY)
    # 8. Resend the fresh messages once more from the outbox, leaving the address as it is.
    for message in _sent(session):
        _do(client, "outbox", message.id, "resend")
    _deliver(session, session_factory, smtp)
    _deliver(session, session_factory, smtp)

    fresh(session).expire_all()
    assert session.get(Member, mario.id).email == "mario.rossi@example.org"  # type: ignore[union-attr]
    assert session.get(Member, giulia.id).email is None  # type: ignore[union-attr]
    assert session.get(LoginAccount, mario_account.id).login_email == "mario.rossi@example.org"  # type: ignore[union-attr]
    delivered = smtp.mailbox.messages
    assert not [m for m in delivered if m["To"] == MALLORY], "a mail reached an address not on file"
    assert {m["To"] for m in delivered} <= {"mario.rossi@example.org", "anne@example.nl"}
    assert edited.status_code == 422, "the registered e-mail of a PIN member was changed"
    assert given.status_code == 422, "a PIN member was given an e-mail on the member form"
    assert moved.status_code == moved_back.status_code == 422, "a PIN member changed organisation"
    assert "register again" in _refusal_text(moved)
    assert session.get(Member, mario.id).organization_id == welfare.id  # type: ignore[union-attr]
    for name, answer in attempts:
        assert answer.select_one("[data-testid=refusal]") is not None, name
    assert not [m for m in outbox(session) if m.recipient == MALLORY]
    # Every link any page of the console shows, and any that reached Olivia, is dead.
    stray = [
        (path, token)
        for mail in delivered
        if mail["To"] == MALLORY
        for path, token in LINK.findall(_text(mail))
    ]
    for message in outbox(session):
        page_text = client.get(f"/admin/outbox/detail?pk={message.id}").text
        stray += LINK.findall(page_text)
    assert not [link for link in stray if _works(client, *link)]


def test_a_fresh_link_revokes_the_one_in_the_message_resent(
    client: TestClient,
    personas: Personas,
    session: Session,
    session_factory: sessionmaker[Session],
    smtp: SmtpServer,
    mario: Member,
) -> None:
    log_in(client, "olivia")
    _do(client, "login_accounts", _account(session, mario).id, "reset_secret", request_key="a")
    _deliver(session, session_factory, smtp)
    [first] = smtp.mailbox.wait_for(1)
    [message] = outbox(session)

    form = BeautifulSoup(
        client.get(f"/admin/do/outbox/{message.id}/resend", headers=htmx_headers(client)).text,
        "html.parser",
    )
    assert form.select_one("input[name=recipient]") is None
    notice = form.select_one("[data-testid=address-on-file]")
    assert notice is not None and "mario.rossi@example.org" in notice.text
    answer = _do(
        client,
        "outbox",
        message.id,
        "resend",
        request_key=form.select_one("input[name=request_key]")["value"],
    )  # type: ignore[index]
    _deliver(session, session_factory, smtp)

    assert answer.select_one("[data-testid=refusal]") is None
    [_, second] = smtp.mailbox.wait_for(2)
    assert second["To"] == "mario.rossi@example.org"
    [old] = LINK.findall(_text(first))
    [new] = LINK.findall(_text(second))
    assert old != new
    assert not _works(client, *old)
    assert _works(client, *new)
    copy = outbox(session)[-1]
    assert copy.resent_from_id == message.id and copy.caused_by == "login_account.reset_secret"


def test_a_member_with_no_email_gets_the_typed_one_filled_in_first(
    client: TestClient,
    personas: Personas,
    session: Session,
    library: Organization,
) -> None:
    """Seed 001: the only place an operator types an address for a link, audited apart."""
    member = make_member(session, library, first_name="Kees", email=None, tax_code="X2")
    log_in(client, "olivia")

    _do(client, "members", member.id, "resend_password", email="kees@example.nl")

    assert outbox(session)[-1].recipient == "kees@example.nl"
    filled = last_event(session, "member.fill_in_email")
    assert filled.operator_username == "olivia" and filled.after == {"email": "kees@example.nl"}


# --- a password-policy address corrected (seed 004), told to the old address ------------

NEW_ADDRESS = "anne.new@example.nl"


def _links_to(smtp: SmtpServer, address: str) -> list[tuple[str, str]]:
    return [
        link for m in smtp.mailbox.messages if m["To"] == address for link in LINK.findall(_text(m))
    ]


def _notices_to(smtp: SmtpServer, address: str) -> list[Message]:
    return [
        m
        for m in smtp.mailbox.messages
        if m["To"] == address and not LINK.findall(_text(m)) and "help desk" in _text(m)
    ]


def test_a_members_corrected_email_is_told_to_the_old_address_and_only_the_new_gets_links(
    client: TestClient,
    personas: Personas,
    session: Session,
    session_factory: sessionmaker[Session],
    smtp: SmtpServer,
    anne: Member,
) -> None:
    log_in(client, "olivia")
    _do(client, "members", anne.id, "resend_password", request_key="before")
    _deliver(session, session_factory, smtp)
    [old_link] = _links_to(smtp, "anne@example.nl")

    edited = _edit_member(client, anne, email=NEW_ADDRESS, tax_code="RSSMRA80A01H501U")
    _do(client, "members", anne.id, "resend_password", request_key="after")
    _deliver(session, session_factory, smtp)

    assert edited.status_code == 303, _refusal_text(edited)
    [notice] = _notices_to(smtp, "anne@example.nl")
    assert NEW_ADDRESS not in _text(notice)
    assert _links_to(smtp, "anne@example.nl") == [old_link]
    assert not _works(client, *old_link)
    [new_link] = _links_to(smtp, NEW_ADDRESS)
    assert _works(client, *new_link)
    changed = last_event(fresh(session), "member.change_email")
    assert changed.operator_username == "olivia"
    assert changed.before == {"email": "anne@example.nl"}
    assert changed.after is not None and changed.after["email"] == NEW_ADDRESS
    assert changed.after["links_revoked"] == 1
    told = [m for m in outbox(session) if m.caused_by == "member.change_email"]
    assert [(m.recipient, m.secret) for m in told] == [("anne@example.nl", None)]


def test_a_login_accounts_corrected_email_is_told_to_the_old_address(
    client: TestClient,
    personas: Personas,
    session: Session,
    session_factory: sessionmaker[Session],
    smtp: SmtpServer,
    library: Organization,
    anne: Member,
) -> None:
    account = LoginAccount(
        organization=library,
        member=anne,
        username="anne",
        login_email="anne@example.nl",
        state=AccountState.ACTIVE,
    )
    session.add(account)
    session.commit()
    log_in(client, "olivia")
    _do(client, "login_accounts", account.id, "reset_secret", request_key="before")
    _deliver(session, session_factory, smtp)
    [old_link] = _links_to(smtp, "anne@example.nl")

    answer = _do(client, "login_accounts", account.id, "change_email", login_email=NEW_ADDRESS)
    _do(client, "login_accounts", account.id, "reset_secret", request_key="after")
    _deliver(session, session_factory, smtp)

    assert answer.select_one("[data-testid=refusal]") is None
    [notice] = _notices_to(smtp, "anne@example.nl")
    assert NEW_ADDRESS not in _text(notice)
    assert _links_to(smtp, "anne@example.nl") == [old_link]
    assert not _works(client, *old_link)
    [new_link] = _links_to(smtp, NEW_ADDRESS)
    assert _works(client, *new_link)
    changed = last_event(fresh(session), "login_account.change_email")
    assert changed.before is not None and changed.before["login_email"] == "anne@example.nl"
    assert changed.after is not None and changed.after["login_email"] == NEW_ADDRESS
    told = [m for m in outbox(session) if m.caused_by == "login_account.change_email"]
    assert [(m.recipient, m.secret) for m in told] == [("anne@example.nl", None)]


# --- every row action of the app, enumerated from it -------------------------------------

PHONE = "+393339999999"


def _form_values(html: str) -> dict[str, str]:
    """What the action's form would post, every address in it replaced by Mallory's."""
    values: dict[str, str] = {}
    for field in BeautifulSoup(html, "html.parser").select("input[name], textarea[name]"):
        name = str(field["name"])
        if name == "csrftoken" or field.get("type") == "checkbox":
            continue
        values[name] = str(field.get("value", "") or "")
    for name in list(values):
        if "email" in name or "recipient" in name:
            values[name] = MALLORY
        elif "mobile" in name or "phone" in name:
            values[name] = PHONE
    return values | {"email": MALLORY, "login_email": MALLORY, "recipient": MALLORY}


def _on_file(session: Session) -> tuple[set[str], set[int]]:
    """Every address and number on file, and the members an operator may give one to
    (no e-mail on file, in an organisation whose e-mail is not the credential)."""
    addresses = {
        value.lower()
        for query in (
            select(Member.email),
            select(Member.mobile),
            select(LoginAccount.login_email),
            select(Organization.email),
        )
        for value in session.scalars(query)
        if value
    }
    may_fill_in = {
        member.id
        for member in session.scalars(select(Member).where(Member.email.is_(None)))
        if member.organization.credential_policy != CredentialPolicy.PIN
    }
    return addresses, may_fill_in


def _member_of(session: Session, message: OutboxMessage) -> int | None:
    if message.entity_type == "member":
        return int(message.entity_id or 0)
    if message.entity_type == "login_account":
        account = session.get(LoginAccount, int(message.entity_id or 0))
        return account.member_id if account is not None else None
    return None


def test_no_row_action_of_the_app_mails_an_existing_persons_secret_to_a_typed_address(
    app: Any,
    client: TestClient,
    personas: Personas,
    session: Session,
    session_factory: sessionmaker[Session],
    smtp: SmtpServer,
) -> None:
    from admin.demo import load_demo_data

    load_demo_data(session, "demo password 2026", members=12)
    session.commit()
    addresses, may_fill_in = _on_file(session)
    before = max((m.id for m in outbox(session)), default=0)
    log_in(client, "ada")  # every role: every row action is hers to try
    headers = htmx_headers(client)
    answers: list[int] = []
    for view in app.state.views:
        for action in getattr(view, "htmx_row_actions", []):
            pks = session.scalars(select(view.model.id).order_by(view.model.id).limit(6)).all()
            for pk in pks:
                url = f"/admin/do/{view.key}/{pk}/{action.name}"
                form = client.get(url, headers=headers)
                response = client.post(url, headers=headers, data=_form_values(form.text))
                answers += [form.status_code, response.status_code]
    for _ in range(3):
        _deliver(session, session_factory, smtp)

    fresh(session).expire_all()
    issued = [m for m in outbox(session) if m.id > before and m.secret is not None]
    elsewhere = [
        (m.caused_by, m.recipient)
        for m in issued
        if m.recipient.lower() not in addresses
        and not (m.recipient == MALLORY and _member_of(session, m) in may_fill_in)
    ]
    assert issued, "the walk issued no link or code at all: it proves nothing"
    assert elsewhere == []
    assert [code for code in answers if code >= 500] == []
    # Whatever reached Mallory (a member with no e-mail, seed 001) went through the fill-in.
    filled = {
        int(e.entity_id or 0)
        for e in events(session, "member.fill_in_email")
        if e.outcome == Outcome.SUCCESS and e.after == {"email": MALLORY}
    }
    assert {_member_of(session, m) for m in issued if m.recipient == MALLORY} <= filled


def test_no_organisation_round_trip_sets_the_email_of_a_pin_member(
    client: TestClient,
    personas: Personas,
    session: Session,
    session_factory: sessionmaker[Session],
    smtp: SmtpServer,
    welfare: Organization,
    library: Organization,
    giulia: Member,
) -> None:
    """Seed 000: a PIN-policy member never leaves the organisation, with or without an
    e-mail on file, and no member with an e-mail is moved into it; each refusal is in the
    trail with the operator and what was typed."""
    anne = make_member(
        session, library, first_name="Sanne", email="sanne@example.nl", tax_code="VRDSNN80A41H501Z"
    )
    log_in(client, "olivia")
    away = _edit_member(client, giulia, organization=str(library.id))
    given = _edit_member(client, giulia, organization=str(library.id), email=MALLORY)
    back = _edit_member(client, giulia, organization=str(welfare.id), email=MALLORY)
    moved_in = _edit_member(client, anne, organization=str(welfare.id))
    _do(client, "members", giulia.id, "resend_password")
    _do(client, "members", giulia.id, "generate_account")
    _deliver(session, session_factory, smtp)

    fresh(session).expire_all()
    assert [r.status_code for r in (away, given, back, moved_in)] == [422] * 4
    assert "register again" in _refusal_text(away)
    assert "register again" in _refusal_text(moved_in)
    assert session.get(Member, giulia.id).organization_id == welfare.id  # type: ignore[union-attr]
    assert session.get(Member, giulia.id).email is None  # type: ignore[union-attr]
    assert session.get(Member, anne.id).organization_id == library.id  # type: ignore[union-attr]
    assert not [m for m in smtp.mailbox.messages if m["To"] == MALLORY]
    assert not [m for m in outbox(session) if m.recipient == MALLORY]
    refused = [e for e in events(session) if e.outcome == Outcome.REFUSED]
    assert [(e.action, e.entity_id, e.operator_username) for e in refused][:4] == [
        ("member.change_organization", str(giulia.id), "olivia"),
        ("member.change_organization", str(giulia.id), "olivia"),
        ("member.change_email", str(giulia.id), "olivia"),
        ("member.change_organization", str(anne.id), "olivia"),
    ]
    assert refused[1].after == {"organization": library.name, "email": MALLORY}
    assert refused[3].after == {"organization": welfare.name}
