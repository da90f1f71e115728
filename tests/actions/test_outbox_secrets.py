"""Messages that carry a secret: masked for operators, kept only until delivered, never
copied; resending one issues a fresh secret through the action that issued the first."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from sqlalchemy.orm import Session, sessionmaker

from actions.access_requests import request_join
from actions.companies import send_access_code
from actions.context import Actor
from actions.errors import Refused
from actions.outbox import (
    MAX_ATTEMPTS,
    STALE_CLAIM,
    LoggingSmsTransport,
    dispatch_once,
    enqueue,
    resend,
    transports_from,
)
from actions.passwords import verify_password
from actions.reissue import resend_message
from actions.send_phone_code import send_phone_code
from models import (
    AccountState,
    Channel,
    LoginAccount,
    Member,
    Organization,
    OutboxMessage,
    OutboxStatus,
    Outcome,
    utcnow,
)
from models.outbox import HIDDEN, SecretKind
from tests.conftest import free_port, make_member
from tests.helpers import last_event, outbox

BASE = "https://desk.example.org"
LINK = f"{BASE}/reset/SECRET-TOKEN-1234567890"


def _secret_message(session: Session, **overrides: object) -> OutboxMessage:
    values: dict[str, object] = {
        "recipient": "mario.rossi@example.org",
        "subject": "Your password reset link",
        "body": f"Open {LINK} within 24 hours.",
        "caused_by": "member.resend_password",
        "secret": SecretKind.MEMBER_RESET,
        "hidden": (LINK,),
    }
    message = enqueue(session, **(values | overrides))  # type: ignore[arg-type]
    session.commit()
    return message


def _dispatch(session: Session, factory: sessionmaker[Session], url: str, now: dt.datetime) -> None:
    session.commit()
    dispatch_once(factory, transports_from(url, "desk@example.org"), now=now)
    session.expire_all()


def test_operators_see_the_text_with_the_link_hidden(session: Session) -> None:
    message = _secret_message(session)

    assert message.secret == "member_reset"
    assert message.shown_body == f"Open {HIDDEN} within 24 hours."
    assert "SECRET-TOKEN" not in (message.masked_body or "")


def test_a_message_given_up_after_its_attempts_keeps_only_the_masked_text(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    message = _secret_message(session)
    url, now = f"smtp://127.0.0.1:{free_port()}", utcnow()

    for _ in range(MAX_ATTEMPTS):
        _dispatch(session, session_factory, url, now)
        now = message.next_attempt_at + dt.timedelta(hours=2)

    assert message.status == OutboxStatus.FAILED
    assert "SECRET-TOKEN" not in message.body and HIDDEN in message.body


def test_an_interrupted_delivery_forgets_the_secret_too(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    secret, plain = (
        _secret_message(session),
        _secret_message(session, secret=None, hidden=(), caused_by="ticket.comment"),
    )
    now = utcnow()
    for message in (secret, plain):
        message.status, message.claimed_at = OutboxStatus.SENDING, now - STALE_CLAIM * 2
    session.commit()

    _dispatch(session, session_factory, f"smtp://127.0.0.1:{free_port()}", now)

    assert (secret.status, plain.status) == (OutboxStatus.FAILED, OutboxStatus.FAILED)
    assert "SECRET-TOKEN" not in secret.body
    assert "SECRET-TOKEN" in plain.body  # a plain message is kept for its resend


def test_a_message_carrying_a_secret_is_never_copied(session: Session, olivia: Actor) -> None:
    message = _secret_message(session)
    message.status = OutboxStatus.SENT
    session.commit()

    with pytest.raises(Refused, match="never copied"):
        resend(session, olivia, message.id, "mallory@evil.example")
    session.commit()

    assert len(outbox(session)) == 1
    assert last_event(session, "outbox.resend").outcome == Outcome.REFUSED


def test_the_sms_log_shows_the_code_hidden(
    session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    message = _secret_message(
        session,
        channel=Channel.SMS,
        recipient="+393331234567",
        body="Your verification code is 482913.",
        secret=SecretKind.PHONE_CODE,
        hidden=("482913",),
    )
    transport = LoggingSmsTransport()

    with caplog.at_level(logging.INFO, logger="sportello.outbox"):
        transport.send(message)

    assert "482913" not in caplog.text and HIDDEN in caplog.text
    assert transport.sent == [("+393331234567", "Your verification code is 482913.")]
    assert message.shown_body == f"Your verification code is {HIDDEN}."


# --- resending a message that carried a secret -------------------------------------------


@pytest.fixture
def account(session: Session, organization: Organization) -> LoginAccount:
    member = make_member(session, organization, mobile="+393331234567")
    account = LoginAccount(
        organization=organization,
        member=member,
        username="mario",
        login_email="mario.rossi@example.org",
        state=AccountState.ACTIVE,
    )
    session.add(account)
    session.commit()
    return account


def _delivered(session: Session) -> OutboxMessage:
    message = outbox(session)[-1]
    message.status = OutboxStatus.SENT
    session.commit()
    return message


def test_a_phone_code_is_sent_again_only_to_the_mobile_on_file(
    session: Session, olivia: Actor, account: LoginAccount
) -> None:
    send_phone_code(session, olivia, account.id)
    original = _delivered(session)

    with pytest.raises(Refused, match="address on file"):
        resend_message(session, olivia, original.id, "+393339999999", link_base=BASE)
    fresh = resend_message(session, olivia, original.id, link_base=BASE)
    session.commit()

    assert (fresh.recipient, fresh.resent_from_id) == ("+393331234567", original.id)
    assert fresh.body != original.body  # a new code
    assert account.phone_sends_today == 2  # it counts against the day's three


def test_an_access_code_is_sent_again_as_a_new_code_to_the_company_address(
    session: Session, olivia: Actor
) -> None:
    company = Organization(
        name="Rossi SpA", company_code="RSP", vat_number="00743110157", email="hr@rossi.example"
    )
    session.add(company)
    session.commit()
    send_access_code(session, olivia, company.id)
    original = _delivered(session)
    first_code = re.search(r"\b([A-Z2-9]{10})\b", original.body)
    assert first_code
    first_hash = company.access_code_hash

    fresh = resend_message(session, olivia, original.id, link_base=BASE)
    session.commit()

    assert fresh.recipient == "hr@rossi.example" and fresh.secret == "access_code"
    assert company.access_code_hash != first_hash
    assert not verify_password(company.access_code_hash, first_code.group(1))


def test_one_time_decision_links_are_not_copied(session: Session, olivia: Actor) -> None:
    company = Organization(
        name="Rossi SpA", company_code="RSP", vat_number="00743110157", email="hr@rossi.example"
    )
    session.add(company)
    session.commit()
    administrator = make_member(session, company, email="boss@rossi.example")
    company.administrator_id = administrator.id
    session.commit()
    request_join(
        session,
        olivia,
        vat_number="00743110157",
        requester_name="Giulia Bianchi",
        requester_email="giulia@example.org",
        tax_code="BNCGLI80A41H501C",
        link_base=BASE,
        secret_key="k" * 32,
    )
    original = _delivered(session)
    assert original.secret == "decision_links" and "/access/join/" not in original.shown_body

    with pytest.raises(Refused, match="never copied"):
        resend_message(session, olivia, original.id, link_base=BASE)
    session.commit()

    assert len(outbox(session)) == 1


def test_a_deleted_member_gets_no_fresh_link(
    session: Session, olivia: Actor, organization: Organization
) -> None:
    member = make_member(session, organization)
    message = _secret_message(session, entity=member)
    message.status = OutboxStatus.SENT
    session.delete(member)
    session.commit()

    with pytest.raises(Refused, match="no longer exists"):
        resend_message(session, olivia, message.id, link_base=BASE)
    assert session.get(Member, member.id) is None
