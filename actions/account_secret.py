"""The member's side of an activation or reset link: set the PIN or password the
organisation's policy asks for. Links work once, within 24 hours."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.audit import audited
from actions.context import Actor
from actions.credentials import check_secret
from actions.errors import Refused
from actions.passwords import hash_password, token_digest
from admin.i18n import N_
from models import AccountState, LoginAccount, utcnow


def account_for_link(
    session: Session, kind: str, token: str, now: dt.datetime | None = None
) -> LoginAccount:
    now = now or utcnow()
    column = (
        LoginAccount.activation_token_hash
        if kind == "activation"
        else LoginAccount.reset_token_hash
    )
    account = session.scalar(select(LoginAccount).where(column == token_digest(token)))
    if account is None:
        raise Refused(N_("This link is not valid any more. Ask the help desk for a new one."))
    expires = account.activation_expires_at if kind == "activation" else account.reset_expires_at
    if expires is None or now >= expires:
        raise Refused(
            N_("This link expired 24 hours after it was sent. Ask the help desk for a new one.")
        )
    return account


def set_secret(
    session: Session, kind: str, token: str, secret: str, *, now: dt.datetime | None = None
) -> LoginAccount:
    now = now or utcnow()
    account = account_for_link(session, kind, token, now)
    actor = Actor(None, f"account:{account.username}", None)
    with audited(
        session,
        actor,
        f"login_account.{'activate' if kind == 'activation' else 'set_secret'}",
        account,
    ):
        policy = account.organization.credential_policy
        check_secret(policy, secret)
        account.secret_hash, account.secret_kind = hash_password(secret), policy
        account.activation_token_hash = account.activation_expires_at = None
        account.reset_token_hash = account.reset_expires_at = None
        if account.state == AccountState.PENDING_ACTIVATION:
            account.state = AccountState.ACTIVE
    return account
