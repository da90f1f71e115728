"""Phone codes (seed 000): at most 3 a day for each mobile number too, whichever accounts
ask for them (3 a day for each account: tests/actions/test_login_accounts.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from actions.context import Actor
from actions.errors import Refused
from actions.send_phone_code import send_phone_code
from models import Channel, LoginAccount, Organization
from tests.actions.test_login_accounts import _account
from tests.conftest import make_member
from tests.helpers import outbox

MORNING = dt.datetime(2026, 10, 1, 7, 0, tzinfo=dt.UTC)  # 09:00 in Amsterdam
NUMBER = "+31612345678"


@pytest.fixture
def library(session: Session) -> Organization:
    org = Organization(name="Bibliotheek Utrecht", country="NL", timezone="Europe/Amsterdam")
    session.add(org)
    session.commit()
    return org


@pytest.fixture
def two_accounts(session: Session, library: Organization) -> tuple[LoginAccount, LoginAccount]:
    """Anne's account, and her partner Bram's, whose member record has her number."""
    anne = make_member(
        session,
        library,
        first_name="Anne",
        last_name="de Vries",
        email="anne@example.nl",
        mobile=NUMBER,
        tax_code="X1",
    )
    bram = make_member(
        session,
        library,
        first_name="Bram",
        last_name="de Vries",
        email="bram@example.nl",
        mobile=NUMBER,
        tax_code="X2",
    )
    return (
        _account(session, library, member=anne),
        _account(session, library, member=bram, username="bram", login_email="bram@example.nl"),
    )


def _sent_to_number(session: Session) -> int:
    return len([m for m in outbox(session) if m.channel == Channel.SMS and m.recipient == NUMBER])


def test_a_number_gets_three_codes_a_day_across_accounts(
    session: Session, olivia: Actor, two_accounts: tuple[LoginAccount, LoginAccount]
) -> None:
    anne, bram = two_accounts
    send_phone_code(session, olivia, anne.id, now=MORNING)
    send_phone_code(session, olivia, anne.id, now=MORNING + dt.timedelta(minutes=1))
    send_phone_code(session, olivia, bram.id, now=MORNING + dt.timedelta(minutes=2))  # the 3rd
    session.commit()
    assert _sent_to_number(session) == 3

    with pytest.raises(Refused) as refusal:
        send_phone_code(session, olivia, bram.id, now=MORNING + dt.timedelta(minutes=3))
    session.commit()

    assert refusal.value.msgid.startswith("The number %(mobile)s already received 3 codes today")
    assert refusal.value.field == "mobile"
    assert "from 00:00 (2026-10-02)" in str(refusal.value)
    assert _sent_to_number(session) == 3
    # the next day in Amsterdam, the number gets codes again
    send_phone_code(session, olivia, bram.id, now=dt.datetime(2026, 10, 1, 22, 0, tzinfo=dt.UTC))
    session.commit()
    assert _sent_to_number(session) == 4
