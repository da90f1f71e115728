"""Operator login, sessions and throttling.

Numbers (documented in README):
- per account: after 5 consecutive failures, one attempt a minute; after 20 consecutive
  failures the account is locked until an administrator unlocks it (so at most 20
  failures, far under 100 an hour);
- per client address: 50 failures within an hour, then no attempt from that address
  until the oldest of them is an hour old;
- a session ends after 30 minutes without a request and 12 hours after login, at
  logout, and when its operator is disabled.
The browser holds a random token; the database keeps only its SHA-256.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from actions import audit, throttle
from actions.context import Actor
from actions.errors import Refused, clock
from actions.outbox import rowcount
from actions.passwords import new_token, token_digest, verify_password
from admin.i18n import N_
from models import LoginFailure, Operator, OperatorSession, Outcome, utcnow

IDLE_TIMEOUT = dt.timedelta(minutes=30)
ABSOLUTE_TIMEOUT = dt.timedelta(hours=12)
TOUCH_EVERY = dt.timedelta(seconds=60)
SLOW_DOWN_AFTER = throttle.SLOW_DOWN_AFTER
SLOW_DOWN_DELAY = throttle.SLOW_DOWN_DELAY
LOCK_AFTER = throttle.LOCK_AFTER
ADDRESS_LIMIT = 50
ADDRESS_WINDOW = dt.timedelta(hours=1)


class LoginRefused(Refused):
    pass


@dataclass(frozen=True)
class Origin:
    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None


def login(
    session: Session, username: str, password: str, origin: Origin, now: dt.datetime | None = None
) -> tuple[Operator, str]:
    """Check the credentials and open a session; return the operator and the cookie token.

    Every outcome is audited; the password never is. The caller commits even on refusal.
    A username that is no operator is answered as a wrong password, at the same cost (a
    password check against a dummy hash) and with the same throttling.
    """
    now = now or utcnow()
    username = username.strip().lower()
    try:
        _check_address(session, origin, now)
        operator = session.scalar(select(Operator).where(Operator.username == username))
        _check_account(_attempts(session, operator, username), now)
        matches = verify_password(operator.password_hash if operator else None, password)
        if operator is None or not matches:
            _fail(session, operator, username, origin, now)
            raise LoginRefused(N_("Wrong username or password."))
        if not operator.active:
            raise LoginRefused(N_("This operator account is disabled. Ask an administrator."))
    except LoginRefused as refusal:
        audit.log(
            session,
            _actor(None, username, origin),
            "operator.login_failed",
            ("operator", None),
            outcome=Outcome.REFUSED,
            message=str(refusal),
        )
        raise
    operator.failed_logins = 0
    token = new_token()
    session.add(
        OperatorSession(
            token_hash=token_digest(token),
            operator_id=operator.id,
            created_at=now,
            last_seen_at=now,
            ip=origin.ip,
            user_agent=(origin.user_agent or "")[:300],
        )
    )
    audit.log(session, _actor(operator, username, origin), "operator.login", operator)
    return operator, token


def _actor(operator: Operator | None, username: str, origin: Origin) -> Actor:
    return Actor(
        operator.id if operator else None,
        username[:64],
        operator.role if operator else None,
        origin.ip,
        origin.user_agent,
        origin.request_id,
    )


def _check_address(session: Session, origin: Origin, now: dt.datetime) -> None:
    since = now - ADDRESS_WINDOW
    failures = session.execute(
        select(func.count(), func.min(LoginFailure.at)).where(
            LoginFailure.ip == (origin.ip or "unknown"), LoginFailure.at > since
        )
    ).one()
    if failures[0] >= ADDRESS_LIMIT:
        raise LoginRefused(
            N_("Too many failed logins from this computer. Try again after %(time)s UTC."),
            time=clock(failures[1] + ADDRESS_WINDOW),
        )


def _attempts(session: Session, operator: Operator | None, username: str) -> throttle.Attempts:
    if operator is None:
        return throttle.counted(session, username[:64])
    return throttle.Attempts(
        operator.failed_logins, operator.last_failed_at, operator.locked_at is not None
    )


def _check_account(attempts: throttle.Attempts, now: dt.datetime) -> None:
    throttle.check(
        attempts,
        now,
        locked=lambda: LoginRefused(
            N_(
                "This account is locked after too many failed logins. Ask an administrator to unlock it."
            )
        ),
        wait=lambda retry_at: LoginRefused(
            N_("Too many failed logins for this account. Try again after %(time)s UTC."),
            time=clock(retry_at, seconds=True),
        ),
    )


def _fail(
    session: Session, operator: Operator | None, username: str, origin: Origin, now: dt.datetime
) -> None:
    throttle.record(session, username, now, address=origin.ip or "unknown")
    if operator is None:
        return
    operator.failed_logins += 1
    operator.last_failed_at = now
    if operator.failed_logins >= LOCK_AFTER:
        operator.locked_at = now


def resolve(
    session: Session, token: str | None, now: dt.datetime | None = None
) -> OperatorSession | None:
    """The live session behind a cookie token, or None (and the session ended) if expired."""
    if not token:
        return None
    now = now or utcnow()
    row = session.scalar(
        select(OperatorSession).where(OperatorSession.token_hash == token_digest(token))
    )
    if row is None or row.ended_at is not None:
        return None
    reason = _expiry(row, now)
    if reason is not None:
        row.ended_at, row.end_reason = now, reason
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return row


def _expiry(row: OperatorSession, now: dt.datetime) -> str | None:
    if not row.operator.active:
        return "operator disabled"
    if now - row.created_at >= ABSOLUTE_TIMEOUT:
        return "absolute timeout"
    if now - row.last_seen_at >= IDLE_TIMEOUT:
        return "idle timeout"
    return None


def logout(
    session: Session, token: str | None, origin: Origin, now: dt.datetime | None = None
) -> None:
    row = resolve(session, token, now)
    if row is None:
        return
    row.ended_at, row.end_reason = now or utcnow(), "logout"
    audit.log(
        session,
        _actor(row.operator, row.operator.username, origin),
        "operator.logout",
        row.operator,
    )


def end_sessions(
    session: Session, operator_id: int, reason: str, now: dt.datetime | None = None
) -> int:
    result = session.execute(
        update(OperatorSession)
        .where(OperatorSession.operator_id == operator_id, OperatorSession.ended_at.is_(None))
        .values(ended_at=now or utcnow(), end_reason=reason)
    )
    return rowcount(result)
