"""Failed attempts at a secret and what they cost: one mechanism for operator logins and
for company access codes.

After SLOW_DOWN_AFTER failures in a row, one attempt a minute; after LOCK_AFTER, none until
the count is reset (an administrator unlocks an operator; a new access code is sent to a
company). An operator's count lives on the operator; any other count (a username that is
no operator, a company's access code) is the number of its `LoginFailure` rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from actions.errors import Refused
from models import LoginFailure

SLOW_DOWN_AFTER = 5
SLOW_DOWN_DELAY = dt.timedelta(minutes=1)
LOCK_AFTER = 20
# Rows that count failures of something other than a login carry this address, which no
# client has: the per-address login limit never counts them.
NOT_A_LOGIN = "-"


@dataclass(frozen=True)
class Attempts:
    """Failures in a row, the last one's time, and whether the count has locked."""

    failures: int = 0
    last_failed_at: dt.datetime | None = None
    locked: bool = False


def check(
    attempts: Attempts,
    now: dt.datetime,
    *,
    locked: Callable[[], Refused],
    wait: Callable[[dt.datetime], Refused],
) -> None:
    """Refuse an attempt the count does not allow: `locked()` once locked, `wait(retry_at)`
    while slowed down."""
    if attempts.locked or attempts.failures >= LOCK_AFTER:
        raise locked()
    if attempts.failures >= SLOW_DOWN_AFTER and attempts.last_failed_at is not None:
        retry_at = attempts.last_failed_at + SLOW_DOWN_DELAY
        if now < retry_at:
            raise wait(retry_at)


def counted(session: Session, key: str, *, login: bool = True) -> Attempts:
    """The failures recorded under `key`: of logins from any address, or of something
    else (`record` with `login=False`); the two never count each other's."""
    kind = LoginFailure.ip != NOT_A_LOGIN if login else LoginFailure.ip == NOT_A_LOGIN
    failures, last = session.execute(
        select(func.count(), func.max(LoginFailure.at)).where(LoginFailure.username == key, kind)
    ).one()
    return Attempts(failures, last, failures >= LOCK_AFTER)


def record(session: Session, key: str, now: dt.datetime, *, address: str = NOT_A_LOGIN) -> None:
    """One more failure under `key`; a login's comes with the client's address."""
    session.add(LoginFailure(username=key[:64], ip=address[:64], at=now))


def reset(session: Session, key: str) -> None:
    """Start counting `key`'s failures (not a login's) again from zero."""
    session.execute(
        delete(LoginFailure).where(LoginFailure.username == key, LoginFailure.ip == NOT_A_LOGIN)
    )
