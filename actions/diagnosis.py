"""What is wrong with a member or a login account, and the fix, following the seed
procedures: activation expired (forget, then generate, seed 004), no login account (generate
after a forget, else link card), pending validation (validate, seed 001), phone-code limit
(possible again at midnight, seed 000), mobile not certified (send a phone code, seed 000),
e-mail missing (fill in and resend), account locked (unlock)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import object_session

from actions.errors import Term, localised
from actions.members import FIELD_LABELS
from actions.send_phone_code import DAILY_LIMIT, possible_again
from admin.i18n import N_, gettext
from models import AccountState, AuditEvent, LoginAccount, Member, MemberState, Outcome, utcnow


@dataclass(frozen=True)
class Finding:
    message: str  # msgid
    params: dict[str, Any] = field(default_factory=dict)
    fix: tuple[str, int, str] | None = None  # (view key, pk, row action)
    fix_label: str | None = None  # msgid

    def text(self) -> str:
        message = gettext(self.message)
        return (
            message % {k: localised(v) for k, v in self.params.items()} if self.params else message
        )


def findings(obj: object, now: dt.datetime | None = None) -> list[Finding]:
    now = now or utcnow()
    if isinstance(obj, Member):
        return for_member(obj, now)
    if isinstance(obj, LoginAccount):
        return for_account(obj, now)
    return []


def for_member(member: Member, now: dt.datetime) -> list[Finding]:
    found: list[Finding] = []
    if member.state == MemberState.PENDING and not member.missing_fields:
        found.append(
            Finding(
                N_("Pending validation: the member cannot use the account yet."),
                {},
                ("members", member.id, "validate"),
                N_("Validate"),
            )
        )
    if member.missing_fields:
        found.append(
            Finding(
                N_(
                    "Personal information incomplete (missing: %(fields)s): ask the member to complete it."
                ),
                {"fields": [Term(FIELD_LABELS[f]) for f in member.missing_fields]},
            )
        )
    if not member.email:
        found.append(
            Finding(
                N_("No e-mail address: fill it in, then send the password link."),
                {},
                ("members", member.id, "resend_password"),
                N_("Resend password"),
            )
        )
    account = member.login_account
    if account is None:
        found.append(_without_account(member))
    else:
        found += for_account(account, now)
        found += _uncertified_mobile(member, account, now)
    return found


def _uncertified_mobile(member: Member, account: LoginAccount, now: dt.datetime) -> list[Finding]:
    """Seed 000: the mobile is certified with a 6-digit code by text message, which the
    member reads out; at the day's limit, the limit finding says when it is possible again."""
    if not member.mobile or member.mobile_verified_at is not None or _at_phone_limit(account, now):
        return []
    return [
        Finding(
            N_(
                "The mobile %(mobile)s is not certified: send a code by text message, then type "
                "the code the member reads out."
            ),
            {"mobile": member.mobile},
            ("login_accounts", account.id, "send_phone_code"),
            N_("Send phone code"),
        )
    ]


def _at_phone_limit(account: LoginAccount, now: dt.datetime) -> bool:
    zone = ZoneInfo(account.organization.timezone)
    return (
        account.phone_sends_day == now.astimezone(zone).date()
        and account.phone_sends_today >= DAILY_LIMIT
    )


def _without_account(member: Member) -> Finding:
    """Seed 004: an account forgotten because its activation expired is followed by
    generating a new one; one forgotten while active, or none ever, is linked by card."""
    forgotten = _forgotten(member)
    if forgotten is None:
        return _link_card(member, N_("No login account linked: link it by card number."), {})
    username, on, account = forgotten
    when = {"username": username, "date": on}
    if account is not None and account.member_id is None and account.state == AccountState.ACTIVE:
        return _link_card(
            member,
            N_(
                "The login account %(username)s was forgotten on %(date)s while active: link it "
                "again by card number."
            ),
            when,
        )
    return Finding(
        N_(
            "The login account %(username)s was forgotten on %(date)s: generate a new one; the "
            "member receives a new activation mail, valid 24 hours."
        ),
        when,
        ("members", member.id, "generate_account"),
        N_("Generate login account"),
    )


def _link_card(member: Member, message: str, params: dict[str, Any]) -> Finding:
    """A finding whose fix is linking a login account to the member by card number."""
    return Finding(message, params, ("members", member.id, "link_card"), N_("Link card"))


def _forgotten(member: Member) -> tuple[str, str, LoginAccount | None] | None:
    """The member's last forgotten login account (its username, the day, the account if it
    still exists), from the audit trail: a forgotten account no longer names its member."""
    session = object_session(member)
    if session is None:
        return None
    event = session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.action == "login_account.forget",
            AuditEvent.outcome == Outcome.SUCCESS,
            AuditEvent.after["forgotten_member_id"].as_integer() == member.id,
        )
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    )
    if event is None or event.entity_id is None:
        return None
    account = session.get(LoginAccount, int(event.entity_id))
    username = account.username if account is not None else event.entity_id
    return username, event.at.date().isoformat(), account


def for_account(account: LoginAccount, now: dt.datetime) -> list[Finding]:
    found: list[Finding] = []
    expires = account.activation_expires_at
    if account.state == AccountState.PENDING_ACTIVATION and expires is not None and now >= expires:
        days = (now - expires).days
        found.append(
            Finding(
                N_(
                    "Activation of %(username)s expired %(days)s days ago: forget the account, then generate a new one."
                ),
                {"username": account.username, "days": days},
                ("login_accounts", account.id, "forget"),
                N_("Forget"),
            )
        )
    elif account.state == AccountState.PENDING_ACTIVATION:
        found.append(
            Finding(
                N_("%(username)s is waiting for its activation."),
                {"username": account.username},
                ("login_accounts", account.id, "resend_activation"),
                N_("Resend activation"),
            )
        )
    if account.state == AccountState.LOCKED:
        found.append(
            Finding(
                N_("%(username)s is locked after failed logins."),
                {"username": account.username},
                ("login_accounts", account.id, "unlock"),
                N_("Unlock"),
            )
        )
    if _at_phone_limit(account, now):
        again = possible_again(now, ZoneInfo(account.organization.timezone))
        found.append(
            Finding(
                N_("Text-message code limit reached today: possible again at %(time)s."),
                {"time": again.strftime("%H:%M")},
            )
        )
    return found
