from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import argon2
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions import operators, sessions
from actions.context import Actor
from actions.errors import Refused
from actions.sessions import LoginRefused, Origin, login, logout, resolve
from models import Operator, OperatorSession, Outcome
from tests.conftest import PASSWORD, Personas
from tests.helpers import events, last_event

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
HERE = Origin(ip="10.1.1.1", user_agent="Firefox", request_id="req-1")


def _fail(
    session: Session, username: str = "olivia", origin: Origin = HERE, at: dt.datetime = NOW
) -> str:
    with pytest.raises(LoginRefused) as refusal:
        login(session, username, "wrong password", origin, now=at)
    session.commit()
    return refusal.value.msgid


def test_it_opens_a_session_and_audits_the_login(session: Session, personas: Personas) -> None:
    operator, token = login(session, "olivia", PASSWORD, HERE, now=NOW)
    session.commit()

    assert operator.id == personas.operator.id
    assert resolve(session, token, NOW) is not None
    event = last_event(session, "operator.login")
    assert (event.operator_username, event.ip, event.user_agent) == (
        "olivia",
        "10.1.1.1",
        "Firefox",
    )


def test_the_username_is_not_case_sensitive(session: Session, personas: Personas) -> None:
    operator, _token = login(session, "  OLIVIA ", PASSWORD, HERE, now=NOW)

    assert operator.username == "olivia"


def test_a_wrong_password_is_refused_and_audited_without_the_password(
    session: Session, personas: Personas
) -> None:
    assert _fail(session) == "Wrong username or password."

    event = last_event(session, "operator.login_failed")
    assert event.outcome == Outcome.REFUSED
    assert event.operator_username == "olivia"
    assert "wrong password" not in str(event.before) + str(event.after) + str(event.message)


def test_an_unknown_username_gets_the_same_answer(session: Session, personas: Personas) -> None:
    assert _fail(session, "nobody") == "Wrong username or password."


def test_each_login_opens_a_new_session(session: Session, personas: Personas) -> None:
    _op, first = login(session, "olivia", PASSWORD, HERE, now=NOW)
    _op, second = login(session, "olivia", PASSWORD, HERE, now=NOW)

    assert first != second
    stored = session.scalars(select(OperatorSession.token_hash)).all()
    assert first not in stored and second not in stored  # only hashes are kept


def test_after_five_failures_the_account_waits_a_minute(
    session: Session, personas: Personas
) -> None:
    for minute in range(sessions.SLOW_DOWN_AFTER):
        assert (
            _fail(session, at=NOW + dt.timedelta(seconds=minute)) == "Wrong username or password."
        )
    last_failure = NOW + dt.timedelta(seconds=sessions.SLOW_DOWN_AFTER - 1)

    with pytest.raises(LoginRefused, match="Try again after"):
        login(session, "olivia", PASSWORD, HERE, now=last_failure + dt.timedelta(seconds=59))
    session.commit()
    operator, _token = login(
        session, "olivia", PASSWORD, HERE, now=last_failure + dt.timedelta(seconds=60)
    )
    assert operator.failed_logins == 0


def test_after_twenty_failures_the_account_is_locked_until_an_admin_unlocks_it(
    session: Session, personas: Personas, ada: Actor
) -> None:
    at = NOW
    for _ in range(sessions.LOCK_AFTER):
        _fail(session, at=at)
        at += sessions.SLOW_DOWN_DELAY
    operator = session.scalar(select(Operator).where(Operator.username == "olivia"))
    assert operator is not None and operator.locked_at is not None

    with pytest.raises(LoginRefused, match="locked"):
        login(session, "olivia", PASSWORD, HERE, now=at + dt.timedelta(hours=5))
    session.commit()

    operators.unlock(session, ada, operator.id)
    session.commit()
    assert login(session, "olivia", PASSWORD, HERE, now=at + dt.timedelta(hours=5))
    assert last_event(session, "operator.unlock").operator_username == "ada"


def test_an_account_never_sees_more_than_100_failures_an_hour(
    session: Session, personas: Personas
) -> None:
    for second in range(0, 3600, 10):
        try:
            login(
                session,
                "olivia",
                "wrong",
                Origin(ip=f"10.9.{second // 250}.{second % 250}"),
                now=NOW + dt.timedelta(seconds=second),
            )
        except LoginRefused:
            session.commit()
    operator = session.scalar(select(Operator).where(Operator.username == "olivia"))
    assert operator is not None and operator.failed_logins <= 100


def test_an_address_with_fifty_failures_in_an_hour_is_refused(
    session: Session, personas: Personas
) -> None:
    for index in range(sessions.ADDRESS_LIMIT):
        _fail(session, f"user{index}", at=NOW + dt.timedelta(seconds=index))

    with pytest.raises(LoginRefused, match="from this computer"):
        login(session, "olivia", PASSWORD, HERE, now=NOW + dt.timedelta(minutes=59))
    session.commit()
    assert login(session, "olivia", PASSWORD, HERE, now=NOW + dt.timedelta(hours=1, seconds=1))
    other = Origin(ip="10.2.2.2")
    assert login(session, "olivia", PASSWORD, other, now=NOW + dt.timedelta(minutes=1))


def test_only_an_admin_may_unlock(session: Session, personas: Personas, sam: Actor) -> None:
    with pytest.raises(Refused, match="Only an administrator"):
        operators.unlock(session, sam, personas.operator.id)


def test_a_session_ends_after_30_idle_minutes(session: Session, personas: Personas) -> None:
    _op, token = login(session, "olivia", PASSWORD, HERE, now=NOW)
    session.commit()

    assert resolve(session, token, NOW + dt.timedelta(minutes=29, seconds=59)) is not None
    session.commit()
    later = NOW + dt.timedelta(minutes=29, seconds=59) + sessions.IDLE_TIMEOUT
    assert resolve(session, token, later) is None
    assert resolve(session, token, NOW) is None  # ended for good


def test_activity_keeps_a_session_alive_up_to_12_hours(
    session: Session, personas: Personas
) -> None:
    _op, token = login(session, "olivia", PASSWORD, HERE, now=NOW)
    at = NOW
    while at < NOW + sessions.ABSOLUTE_TIMEOUT - dt.timedelta(minutes=20):
        at += dt.timedelta(minutes=20)
        assert resolve(session, token, at) is not None
    assert resolve(session, token, NOW + sessions.ABSOLUTE_TIMEOUT) is None
    row = session.scalar(select(OperatorSession))
    assert row is not None and row.end_reason == "absolute timeout"


def test_logout_ends_the_session_on_the_server(session: Session, personas: Personas) -> None:
    _op, token = login(session, "olivia", PASSWORD, HERE, now=NOW)

    logout(session, token, HERE, now=NOW + dt.timedelta(minutes=1))
    session.commit()

    assert resolve(session, token, NOW + dt.timedelta(minutes=2)) is None
    assert last_event(session, "operator.logout").operator_username == "olivia"


def test_disabling_an_operator_ends_their_sessions(
    session: Session, personas: Personas, ada: Actor
) -> None:
    _op, token = login(session, "olivia", PASSWORD, HERE, now=NOW)
    session.commit()

    operators.disable(session, ada, personas.operator.id, reason="left the company")
    session.commit()

    assert resolve(session, token) is None
    event = last_event(session, "operator.disable")
    assert event.after["sessions_ended"] == 1 and event.reason == "left the company"
    with pytest.raises(LoginRefused, match="disabled"):
        login(session, "olivia", PASSWORD, HERE)


def test_nobody_may_disable_themselves(session: Session, personas: Personas, ada: Actor) -> None:
    with pytest.raises(Refused, match="your own account"):
        operators.disable(session, ada, personas.admin.id)
    assert events(session, "operator.disable")[-1].outcome == Outcome.REFUSED


def _answers(session: Session, username: str, start: dt.datetime) -> list[tuple[str, Any]]:
    """What each of 22 wrong passwords, a minute apart, is told."""
    told = []
    for attempt in range(sessions.LOCK_AFTER + 2):
        with pytest.raises(LoginRefused) as refusal:
            login(session, username, "wrong password", HERE, now=start + attempt * SLOW)
        session.commit()
        told.append((refusal.value.msgid, refusal.value.params))
        # and once more at once: refused while slowed down
        with pytest.raises(LoginRefused) as again:
            login(session, username, "wrong password", HERE, now=start + attempt * SLOW)
        session.commit()
        told.append((again.value.msgid, again.value.params))
    return told


SLOW = sessions.SLOW_DOWN_DELAY


def test_an_unknown_username_is_told_and_throttled_like_an_operators(
    session: Session, personas: Personas
) -> None:
    known = _answers(session, "olivia", NOW)
    unknown = _answers(session, "nobody", NOW)

    assert unknown == known
    assert {msgid for msgid, _params in known} == {
        "Wrong username or password.",
        "Too many failed logins for this account. Try again after %(time)s UTC.",
        "This account is locked after too many failed logins. Ask an administrator to unlock it.",
    }


def test_an_unknown_username_costs_a_password_check(
    session: Session, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real = argon2.PasswordHasher.verify

    def counting(self: argon2.PasswordHasher, hash: str, password: str | bytes) -> Literal[True]:
        checked.append(hash)
        return real(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", counting)

    _fail(session, "olivia")
    _fail(session, "nobody")

    assert len(checked) == 2
    assert argon2.extract_parameters(checked[1]) == argon2.extract_parameters(checked[0])
