"""A phone code's outcome names the mobile number it went to and whose it is, never the
login account's username (seed 000: the caller checks the number they are holding)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from actions.consequences import take
from actions.context import Actor
from actions.errors import Refused
from actions.send_phone_code import send_phone_code
from models import LoginAccount
from tests.actions.test_phone_code_limits import MORNING, NUMBER, library, two_accounts
from tests.helpers import last_event

__all__ = ["library", "two_accounts"]  # fixtures


def test_the_outcome_names_the_number_and_its_member_not_the_username(
    session: Session, olivia: Actor, two_accounts: tuple[LoginAccount, LoginAccount]
) -> None:
    anne, _bram = two_accounts

    send_phone_code(session, olivia, anne.id, now=MORNING)

    [told] = [c.english() for c in take(session)]
    assert told == (
        f"The code went by text message to {NUMBER}, the mobile of Anne de Vries "
        "(code 1 of 3 today); it is valid 10 minutes."
    )
    assert anne.username not in told
    assert last_event(session, "login_account.send_phone_code").after["sent_to"] == NUMBER


def test_the_third_code_says_it_is_the_last_of_the_day(
    session: Session, olivia: Actor, two_accounts: tuple[LoginAccount, LoginAccount]
) -> None:
    anne, _bram = two_accounts
    for minute in range(3):
        take(session)
        send_phone_code(session, olivia, anne.id, now=MORNING + dt.timedelta(minutes=minute))

    [told] = take(session)
    assert told.params["count"] == told.params["limit"] == 3


def test_a_refused_code_tells_no_number(
    session: Session, olivia: Actor, two_accounts: tuple[LoginAccount, LoginAccount]
) -> None:
    anne, _bram = two_accounts
    anne.member.mobile = None  # type: ignore[union-attr]
    session.commit()

    with pytest.raises(Refused, match="no mobile number"):
        send_phone_code(session, olivia, anne.id, now=MORNING)

    assert take(session) == []
