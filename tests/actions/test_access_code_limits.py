"""Access codes are throttled per company like logins: after 5 wrong codes in a row one
attempt a minute, after 20 none until a new code is sent."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from actions import companies, throttle
from actions.context import Actor
from actions.errors import Refused
from models import Member, Organization
from tests.companies import ADMIN, VAT, mailed_code, make_company
from tests.helpers import fresh

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
MINUTE = throttle.SLOW_DOWN_DELAY


def _try(session: Session, olivia: Actor, code: str, at: dt.datetime) -> str | Member:
    """What registering with `code` at `at` gives: the administrator, or the refusal."""
    try:
        member = companies.register_company(session, olivia, VAT, code, ADMIN, now=at)
    except Refused as refusal:
        session.commit()
        return refusal.msgid
    session.commit()
    return member


WRONG = "The access code is not the one mailed to %(company)s. Check it, or send a new code to the address on file."
WAIT = "Too many wrong access codes for %(company)s in a row. Try again after %(time)s UTC."
LOCKED = (
    "Too many wrong access codes for %(company)s: send a new code to the address on file, "
    "then try again with it."
)


@pytest.fixture
def company(session: Session) -> Organization:
    return make_company(session)


def test_the_fifth_wrong_code_is_answered_and_the_sixth_waits_a_minute(
    session: Session, olivia: Actor, company: Organization
) -> None:
    code = mailed_code(session, olivia, company)
    told = [_try(session, olivia, "WRONGCODE2", NOW) for _ in range(throttle.SLOW_DOWN_AFTER)]
    assert told == [WRONG] * 5

    assert _try(session, olivia, code, NOW + MINUTE - dt.timedelta(seconds=1)) == WAIT
    other = Organization(name="Altra S.r.l.", vat_number="01114601006", email="a@altra.example")
    session.add(other)
    session.commit()
    companies.send_access_code(session, olivia, other.id)
    with pytest.raises(Refused) as elsewhere:  # counted per company
        companies.register_company(session, olivia, "01114601006", "WRONGCODE2", ADMIN, now=NOW)
    assert elsewhere.value.msgid == WRONG
    session.rollback()
    registered = _try(session, olivia, code, NOW + MINUTE)

    assert isinstance(registered, Member)
    assert fresh(session).get(Organization, company.id).registered_at is not None  # type: ignore[union-attr]


def test_after_twenty_wrong_codes_only_a_new_code_lets_the_company_register(
    session: Session, olivia: Actor, company: Organization
) -> None:
    code = mailed_code(session, olivia, company)
    at = NOW
    for _ in range(throttle.LOCK_AFTER):
        assert _try(session, olivia, "WRONGCODE2", at) == WRONG
        at += MINUTE

    assert _try(session, olivia, code, at + dt.timedelta(days=1)) == LOCKED

    new_code = mailed_code(session, olivia, company)
    assert isinstance(_try(session, olivia, new_code, at + dt.timedelta(days=1)), Member)
