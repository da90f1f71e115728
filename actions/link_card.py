"""Link a login account by card number (seed 004).

Two steps. `find_for_link` looks the account up in the member's organisation by the card
number, the library's ISIL code + "-" + card number, or the bare card number when the
caller reads out the ISIL code and the card together; it shows the account's e-mail and
issues a signed token (actions/steps.py) binding member, account, that e-mail and the
operator. `link_card` links only with that token, within 10 minutes: a request that skips
the first step is refused. An account of another organisation or of another member is
never taken. When nothing is found the way out is "generate login account", never "forget".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actions import steps
from actions.account_links import require_operator
from actions.audit import audited
from actions.context import Actor
from actions.errors import Refused
from actions.members import get_member
from admin.i18n import N_
from models import LoginAccount, Member

PURPOSE = "link_card"


@dataclass(frozen=True)
class Found:
    account: LoginAccount
    searched: str  # the username that matched: the card number or ISIL-card number
    step: str = ""  # the token the confirmation posts back


def card_usernames(typed: str, isils: Iterable[str]) -> list[str]:
    """The usernames (lower case) a card number read out may stand for, most literal first:
    as typed; the bare card when it follows one of the ISIL codes (after a dash, a space or
    nothing); each ISIL code + "-" + the bare card."""
    text = " ".join(typed.split()).lower()
    codes = [isil.lower() for isil in isils if isil]
    bare = text
    for code in codes:
        if text.startswith(code) and len(text) > len(code):
            bare = text[len(code) :].lstrip(" -")
            break
    candidates = [text, bare] + [f"{code}-{bare}" for code in codes]
    return [c for c in dict.fromkeys(candidates) if c and not re.search(r"\s", c)]


def find_by_card(session: Session, member: Member, card_number: str) -> Found | None:
    card = card_number.strip()
    if not card:
        raise Refused(N_("Type the card number read out by the customer."), field="card_number")
    isil = member.organization.isil
    candidates = card_usernames(card, [isil] if isil else [])
    if not candidates:
        return None
    accounts = {
        a.username.lower(): a
        for a in session.scalars(
            select(LoginAccount).where(
                func.lower(LoginAccount.username).in_(candidates),
                LoginAccount.organization_id == member.organization_id,
            )
        )
    }
    for candidate in candidates:
        if candidate in accounts:
            return Found(accounts[candidate], accounts[candidate].username)
    return None


def not_found(card_number: str) -> Refused:
    """Nothing found: the way out is "generate login account", never "forget"."""
    return Refused(
        N_(
            "No login account has the card number %(card)s, with or without the library code: "
            "generate a login account instead."
        ),
        field="card_number",
        card=card_number.strip(),
    )


def _check_linkable(session: Session, member: Member, account: LoginAccount) -> None:
    if account.member_id is not None and account.member_id != member.id:
        raise Refused(
            N_(
                "The login account %(username)s belongs to another member: it cannot be linked here."
            ),
            username=account.username,
        )
    already = session.scalar(select(LoginAccount).where(LoginAccount.member_id == member.id))
    if already is not None and already.id != account.id:
        raise Refused(
            N_("%(name)s already has the login account %(username)s."),
            name=member.full_name,
            username=already.username,
        )


def find_for_link(
    session: Session, actor: Actor, member_id: int, card_number: str, secret_key: str
) -> Found | None:
    """The first step: the account found, with the token its confirmation needs."""
    require_operator(actor)
    member = get_member(session, member_id)
    found = find_by_card(session, member, card_number)
    if found is None:
        return None
    _check_linkable(session, member, found.account)
    token = steps.issue(secret_key, PURPOSE, actor, **_bound(member, found.account, found.searched))
    return Found(found.account, found.searched, token)


def _bound(member: Member, account: LoginAccount, searched: str) -> dict[str, str | int | None]:
    return {
        "member": member.id,
        "account": account.id,
        "email": (account.login_email or "").lower(),
        "found_as": searched,
    }


STEP_REFUSED = N_(
    "Find the account again and confirm its e-mail with the customer: this confirmation is "
    "missing, older than 10 minutes, or was shown for another account or to another operator."
)


def link_card(
    session: Session,
    actor: Actor,
    member_id: int,
    card_number: str,
    proof: steps.Proof | None,
    *,
    now: dt.datetime | None = None,
) -> LoginAccount:
    """The second step: links the account the first step showed, with its token."""
    member = get_member(session, member_id)
    with audited(session, actor, "login_account.link_card", ("login_account", None)) as scope:
        require_operator(actor)
        found = find_by_card(session, member, card_number)
        if found is None:
            raise not_found(card_number)
        account = found.account
        scope.entity_id = str(account.id)
        _check_linkable(session, member, account)
        steps.check(
            proof,
            PURPOSE,
            actor,
            Refused(STEP_REFUSED, field="card_number"),
            now=now,
            **_bound(member, account, found.searched),
        )
        account.member_id = member.id
        member.card_number = member.card_number or _bare_card(found.searched, member)
        scope.note(found_as=found.searched, member_id=member.id)
    return account


def _bare_card(username: str, member: Member) -> str:
    isil = (member.organization.isil or "").lower()
    if isil and username.lower().startswith(isil + "-"):
        return username[len(isil) + 1 :]
    return username
