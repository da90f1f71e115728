"""Link a login account by card number (seed 004).

The account is looked up by card number, then by the library's ISIL code + "-" + card
number. The operator must see the account's e-mail and confirm it is the customer's:
`link_card` refuses unless the e-mail the operator confirmed is the account's. An account
that belongs to another member is never taken over. When nothing is found the way out is
"generate login account", never "forget".
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.account_links import require_operator
from actions.audit import audited
from actions.context import Actor
from actions.errors import Refused
from actions.login_accounts import by_username
from actions.members import get_member
from admin.i18n import N_
from models import LoginAccount, Member


@dataclass(frozen=True)
class Found:
    account: LoginAccount
    searched: str  # the username that matched: the card number or ISIL-card number


def find_by_card(session: Session, member: Member, card_number: str) -> Found | None:
    card = card_number.strip()
    if not card:
        raise Refused(N_("Type the card number read out by the customer."), field="card_number")
    account = by_username(session, card)
    if account is not None:
        return Found(account, card)
    isil = member.organization.isil
    if isil:
        candidate = f"{isil}-{card}"
        account = by_username(session, candidate)
        if account is not None:
            return Found(account, candidate)
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


def link_card(
    session: Session, actor: Actor, member_id: int, card_number: str, confirmed_email: str
) -> LoginAccount:
    member = get_member(session, member_id)
    with audited(session, actor, "login_account.link_card", ("login_account", None)) as scope:
        require_operator(actor)
        found = find_by_card(session, member, card_number)
        if found is None:
            raise not_found(card_number)
        account = found.account
        scope.entity_id = str(account.id)
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
        if (
            not confirmed_email
            or (account.login_email or "").lower() != confirmed_email.strip().lower()
        ):
            raise Refused(
                N_(
                    "Confirm with the customer that %(email)s is their e-mail address before linking."
                ),
                field="confirmed_email",
                email=account.login_email or "-",
            )
        account.member_id = member.id
        member.card_number = member.card_number or card_number.strip()
        scope.note(found_as=found.searched, member_id=member.id)
    return account
