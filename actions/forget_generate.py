"""Forget a login account and generate a new one (seed 004): the library's fix for an
activation not done within 24 hours. Forgetting unlinks the account from the member;
generating creates a new account and mails a new activation link, valid 24 hours.
Forgetting also revokes the account's outstanding activation and reset links at once: a
forgotten account is never activated or reset by a link mailed before."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions import consequences
from actions.account_links import require_operator
from actions.account_state import revoke_links
from actions.audit import audited
from actions.context import Actor
from actions.errors import Refused
from actions.login_accounts import by_username, get_account, issue_activation, mail_link
from actions.members import get_member
from actions.unique import refused_if_taken
from admin.i18n import N_
from models import AccountState, LoginAccount, Member, utcnow


def forget_account(
    session: Session, actor: Actor, account_id: int, *, reason: str | None = None
) -> LoginAccount:
    account = get_account(session, account_id)
    with audited(session, actor, "login_account.forget", account, reason=reason) as scope:
        require_operator(actor)
        if account.member_id is None:
            raise Refused(
                N_("%(username)s is not linked to anyone: there is nothing to forget."),
                username=account.username,
            )
        member = get_member(session, account.member_id)
        revoked = revoke_links(account)
        scope.note(forgotten_member_id=member.id, links_revoked=revoked)
        account.member_id = None
        _tell_forgotten(session, account, member, revoked)
    return account


def _tell_forgotten(session: Session, account: LoginAccount, member: Member, revoked: bool) -> None:
    """The next step of the seed 004 procedure, and the links that no longer work."""
    consequences.tell(
        session,
        N_(
            "%(name)s has no login account now: the next step is Generate login account, on "
            "the member's page."
        ),
        name=member.full_name,
    )
    consequences.suggest(
        session,
        consequences.NextStep(
            N_("Generate login account"), ("members", member.id, "generate_account"), direct=True
        ),
    )
    if revoked:
        consequences.tell(
            session,
            N_("The activation and reset links mailed for %(username)s no longer work."),
            username=account.username,
        )


def generate_account(
    session: Session,
    actor: Actor,
    member_id: int,
    *,
    link_base: str,
    now: dt.datetime | None = None,
) -> LoginAccount:
    now = now or utcnow()
    member = get_member(session, member_id)
    with audited(session, actor, "login_account.generate", ("login_account", None)) as scope:
        require_operator(actor)
        _refuse_a_second_account(session, member)
        if not member.email:
            raise Refused(
                N_("%(name)s has no e-mail address: fill it in, then generate the account."),
                field="email",
                name=member.full_name,
            )
        username = _free_username(session, member)
        with refused_if_taken(session, lambda: _refuse_a_second_account(session, member)):
            account = LoginAccount(
                organization_id=member.organization_id,
                member_id=member.id,  # an account linked a moment ago is refused, not unlinked
                username=username,
                login_email=member.email,
                state=AccountState.PENDING_ACTIVATION,
            )
            session.add(account)
        token = issue_activation(account, now)
        message = mail_link(
            session, account, "activation", token, link_base, "login_account.generate"
        )
        session.flush()
        scope.entity_id = str(account.id)
        scope.note(
            username=account.username,
            member_id=member.id,
            sent_to=account.login_email,
            outbox_id=message.id,
            activation_expires_at=account.activation_expires_at,
        )
    return account


def _refuse_a_second_account(session: Session, member: Member) -> None:
    """A member has one login account (also when another request generated it a moment ago)."""
    linked = session.scalar(select(LoginAccount).where(LoginAccount.member_id == member.id))
    if linked is not None:
        raise Refused(
            N_(
                "%(name)s already has the login account %(username)s: forget it first if it is "
                "the one whose activation expired."
            ),
            name=member.full_name,
            username=linked.username,
        )


def _free_username(session: Session, member: Member) -> str:
    """The card number when there is one (libraries log in with it), else the e-mail."""
    base = member.card_number or member.email or f"member{member.id}"
    candidate, suffix = base, 1
    while by_username(session, candidate) is not None:
        suffix += 1
        candidate = f"{base}.{suffix}"
    return candidate
