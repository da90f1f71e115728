"""A mobile number certified with a phone code belongs to its person (seed 000): the code
the caller reads out certifies it, and another person cannot register with it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy.orm import Session

from actions import throttle
from actions.context import Actor
from actions.errors import Refused
from actions.register import Registration, register
from actions.send_phone_code import confirm_phone_code, send_phone_code
from models import AccountState, Channel, LoginAccount, Member, Organization
from tests.conftest import make_member
from tests.helpers import last_event, outbox

NOW = dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC)
BASE = "https://desk.example.org"
NUMBER = "+393331234567"


@pytest.fixture
def giulia(session: Session, organization: Organization) -> LoginAccount:
    member = make_member(
        session,
        organization,
        first_name="Giulia",
        last_name="Bianchi",
        tax_code="BNCGLI80A41H501C",
        email="giulia@example.org",
        mobile=NUMBER,
    )
    account = LoginAccount(
        organization=organization,
        member=member,
        username="giulia@example.org",
        login_email="giulia@example.org",
        state=AccountState.ACTIVE,
    )
    session.add(account)
    session.commit()
    return account


def _sent_code(session: Session, olivia: Actor, account: LoginAccount) -> str:
    send_phone_code(session, olivia, account.id, now=NOW)
    session.commit()
    sms = [m for m in outbox(session) if m.channel == Channel.SMS][-1]
    found = re.search(r"\b(\d{6})\b", sms.body)
    assert found
    return found.group(1)


def _mario(mobile: str = "333 123 4567", **overrides: str) -> Registration:
    values = {
        "company_code": "rossi",
        "first_name": "Mario",
        "last_name": "Rossi",
        "tax_code": "RSSMRA85T10A562S",
        "email": "mario.rossi@example.org",
        "mobile": mobile,
    }
    return Registration(**(values | overrides))


def test_the_code_read_out_certifies_the_mobile_once(
    session: Session, olivia: Actor, giulia: LoginAccount
) -> None:
    code = _sent_code(session, olivia, giulia)

    with pytest.raises(Refused, match="not the code that was sent"):
        confirm_phone_code(
            session, olivia, giulia.id, "000000" if code != "000000" else "111111", now=NOW
        )
    session.commit()
    confirm_phone_code(session, olivia, giulia.id, f" {code[:3]} {code[3:]} ", now=NOW)
    session.commit()

    assert giulia.member is not None and giulia.member.mobile_verified_at == NOW
    assert last_event(session, "login_account.confirm_phone_code").outcome.value == "success"
    with pytest.raises(Refused, match="No code is waiting"):  # good once
        confirm_phone_code(session, olivia, giulia.id, code, now=NOW)


def test_a_code_expires_after_ten_minutes_and_wrong_codes_are_throttled(
    session: Session, olivia: Actor, giulia: LoginAccount
) -> None:
    code = _sent_code(session, olivia, giulia)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(throttle.SLOW_DOWN_AFTER):
        with pytest.raises(Refused, match="not the code"):
            confirm_phone_code(session, olivia, giulia.id, wrong, now=NOW)
        session.commit()

    with pytest.raises(Refused, match="Too many wrong codes"):
        confirm_phone_code(session, olivia, giulia.id, code, now=NOW + dt.timedelta(seconds=30))
    session.commit()
    with pytest.raises(Refused, match="expired"):
        confirm_phone_code(session, olivia, giulia.id, code, now=NOW + dt.timedelta(minutes=10))


def test_a_number_certified_for_someone_else_is_refused_at_registration(
    session: Session, olivia: Actor, organization: Organization, giulia: LoginAccount
) -> None:
    confirm_phone_code(session, olivia, giulia.id, _sent_code(session, olivia, giulia), now=NOW)
    session.commit()

    with pytest.raises(Refused) as refusal:
        register(session, olivia, _mario(), link_base=BASE)
    session.commit()

    assert refusal.value.field == "mobile"
    assert "already certified for another person" in str(refusal.value)
    assert "a mobile number of their own" in str(refusal.value)
    assert last_event(session, "member.register").outcome.value == "refused"
    mario = register(session, olivia, _mario("347 765 4321"), link_base=BASE)
    assert mario.mobile == "+393477654321"


def test_the_same_person_registers_elsewhere_with_their_certified_number(
    session: Session, olivia: Actor, giulia: LoginAccount
) -> None:
    confirm_phone_code(session, olivia, giulia.id, _sent_code(session, olivia, giulia), now=NOW)
    other = Organization(name="Welfare Verdi", company_code="VERDI", language="it")
    session.add(other)
    session.commit()

    again = register(
        session,
        olivia,
        _mario(
            company_code="verdi",
            first_name="Giulia",
            last_name="Bianchi",
            tax_code="BNCGLI80A41H501C",
            email="giulia.bianchi@verdi.example.org",
        ),
        link_base=BASE,
    )

    assert again.mobile == NUMBER and again.mobile_verified_at is None


def test_a_new_number_is_not_certified(
    session: Session, olivia: Actor, giulia: LoginAccount
) -> None:
    confirm_phone_code(session, olivia, giulia.id, _sent_code(session, olivia, giulia), now=NOW)
    session.commit()
    member = session.get(Member, giulia.member_id)
    assert member is not None

    member.mobile = "+393477654321"
    session.commit()

    assert member.mobile_verified_at is None
