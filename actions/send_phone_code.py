"""Send a 6-digit code by text message to verify a mobile (seed 000): at most 3 sends per
calendar day, counted in the organisation's time zone, for each account and for each mobile
number (several accounts never send one number more); the 4th is refused with the time it
becomes possible again (midnight there)."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actions import consequences, outbox, throttle
from actions.account_links import require_operator
from actions.audit import audited
from actions.context import Actor
from actions.errors import Duplicate, Refused, clock, day
from actions.login_accounts import get_account
from actions.passwords import token_digest
from admin.i18n import N_, translate
from models import Channel, LoginAccount, Member, OutboxMessage, utcnow
from models.outbox import SecretKind

DAILY_LIMIT = 3
CODE_VALIDITY = dt.timedelta(minutes=10)


def send_phone_code(
    session: Session,
    actor: Actor,
    account_id: int,
    *,
    request_key: str | None = None,
    now: dt.datetime | None = None,
) -> LoginAccount:
    """The same form submitted twice sends one code."""
    now = now or utcnow()
    account = get_account(session, account_id)
    try:
        return _send(session, actor, account, request_key, now)
    except Duplicate:
        session.refresh(account)
        return account


def _send(
    session: Session, actor: Actor, account: LoginAccount, request_key: str | None, now: dt.datetime
) -> LoginAccount:
    with audited(session, actor, "login_account.send_phone_code", account) as scope:
        require_operator(actor)
        mobile = account.member.mobile if account.member else None
        if not mobile:
            raise Refused(
                N_(
                    "There is no mobile number to send the code to: fill it in on the member first."
                ),
                field="mobile",
            )
        zone = ZoneInfo(account.organization.timezone)
        today = now.astimezone(zone).date()
        sent_today = account.phone_sends_today if account.phone_sends_day == today else 0
        if sent_today >= DAILY_LIMIT:
            again = possible_again(now, zone)
            raise Refused(
                N_(
                    "The code was already sent 3 times today: it can be sent again from %(time)s "
                    "(%(date)s)."
                ),
                time=clock(again),
                date=day(again.date()),
            )
        _check_number(session, mobile, now, zone)
        code = f"{secrets.randbelow(10**6):06d}"
        account.phone_code_hash = token_digest(f"{account.id}:{code}")
        account.phone_code_expires_at = now + CODE_VALIDITY
        account.phone_sends_day, account.phone_sends_today = today, sent_today + 1
        language = account.organization.language
        text = translate(language, N_("Your verification code is %(code)s.")) % {"code": code}
        # The code travels in the body, which the outbox never shows to operators.
        message = outbox.enqueue(
            session,
            channel=Channel.SMS,
            recipient=mobile,
            subject=translate(language, N_("Verification code")),
            body=text,
            caused_by="login_account.send_phone_code",
            entity=account,
            dedupe_key=f"login_account.send_phone_code:{request_key}" if request_key else None,
            secret=SecretKind.PHONE_CODE,
            hidden=(code,),
        )
        message.created_at = now  # the day it counts for, below
        session.flush()
        scope.note(sent_to=mobile, outbox_id=message.id, sends_today=account.phone_sends_today)
        _tell_where(session, account, mobile)
    return account


def _tell_where(session: Session, account: LoginAccount, mobile: str) -> None:
    """The number the code went to, written as the member's page writes it, and how many
    codes that makes today: the operator checks it with the caller, who reads the code out."""
    assert account.member is not None  # the mobile is the member's
    consequences.tell(
        session,
        N_(
            "The code went by text message to %(mobile)s, the mobile of %(name)s (code %(count)s "
            "of %(limit)s today); it is valid %(minutes)s minutes."
        ),
        mobile=mobile,
        name=account.member.full_name,
        count=account.phone_sends_today,
        limit=DAILY_LIMIT,
        minutes=int(CODE_VALIDITY.total_seconds() // 60),
    )


def _check_number(session: Session, mobile: str, now: dt.datetime, zone: ZoneInfo) -> None:
    """The number's codes today, whichever account asked for them, come from the outbox.
    Two sends to one number take turns: each locks the member records that hold the number
    (in id order, in one statement) before counting, until its transaction ends; SQLite
    already lets one writer at a time."""
    session.execute(
        select(Member.id).where(Member.mobile == mobile).order_by(Member.id).with_for_update()
    ).all()
    midnight = dt.datetime.combine(now.astimezone(zone).date(), dt.time(0, 0), tzinfo=zone)
    sent = session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.channel == Channel.SMS,
            OutboxMessage.recipient == mobile,
            OutboxMessage.caused_by == "login_account.send_phone_code",
            OutboxMessage.created_at >= midnight.astimezone(dt.UTC),
        )
    )
    if (sent or 0) >= DAILY_LIMIT:
        again = possible_again(now, zone)
        raise Refused(
            N_(
                "The number %(mobile)s already received 3 codes today, also for other accounts: "
                "it can receive one again from %(time)s (%(date)s)."
            ),
            field="mobile",
            mobile=mobile,
            time=clock(again),
            date=day(again.date()),
        )


def possible_again(now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The next midnight in the organisation's time zone, as a local time."""
    local = now.astimezone(zone)
    return dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone)


def confirm_phone_code(
    session: Session, actor: Actor, account_id: int, code: str, *, now: dt.datetime | None = None
) -> LoginAccount:
    """The code the caller reads out certifies the member's mobile. Wrong codes are
    throttled like logins; a code is good once, for CODE_VALIDITY."""
    now = now or utcnow()
    account = get_account(session, account_id)
    key = f"login_account:{account.id}:phone_code"
    try:
        with audited(session, actor, "login_account.confirm_phone_code", account) as scope:
            require_operator(actor)
            throttle.check(
                throttle.counted(session, key, login=False),
                now,
                locked=lambda: Refused(
                    N_("Too many wrong codes: send a new code, then type the new one."),
                    field="code",
                ),
                wait=lambda retry_at: Refused(
                    N_("Too many wrong codes in a row. Try again after %(time)s UTC."),
                    field="code",
                    time=clock(retry_at, seconds=True),
                ),
            )
            _check_code(account, code, now)
            assert account.member is not None  # a code is sent only to a member's mobile
            account.member.mobile_verified_at = now
            account.phone_code_hash = account.phone_code_expires_at = None
            throttle.reset(session, key)
            scope.note(mobile=account.member.mobile)
    except WrongCode:
        throttle.record(session, key, now)
        raise
    return account


class WrongCode(Refused):
    pass


def _check_code(account: LoginAccount, code: str, now: dt.datetime) -> None:
    typed = "".join(code.split())
    if (
        account.member is None
        or account.phone_code_hash is None
        or account.phone_code_expires_at is None
        or now >= account.phone_code_expires_at
    ):
        raise Refused(
            N_("No code is waiting to be typed, or it expired: send a new code."), field="code"
        )
    if not hmac.compare_digest(account.phone_code_hash, token_digest(f"{account.id}:{typed}")):
        raise WrongCode(
            N_("This is not the code that was sent: check it with the caller."), field="code"
        )
