"""Mailed activation and reset links for login accounts: resend activation, reset the
PIN or password (seed 004: activation within 24 hours; seeds 000/002: PIN and password
reset). Operators never choose or see the secret: the member sets it through the link."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from actions.audit import audited
from actions.context import Actor
from actions.errors import Duplicate, Refused
from actions.login_accounts import get_account, issue_activation, issue_reset, mail_link
from admin.i18n import N_
from models import AccountState, LoginAccount, Role, utcnow


def resend_activation(
    session: Session,
    actor: Actor,
    account_id: int,
    *,
    link_base: str,
    request_key: str | None = None,
    now: dt.datetime | None = None,
) -> LoginAccount:
    now = now or utcnow()
    account = get_account(session, account_id)
    try:
        with audited(session, actor, "login_account.resend_activation", account) as scope:
            require_operator(actor)
            if account.state != AccountState.PENDING_ACTIVATION:
                raise Refused(
                    N_("%(username)s is already activated: send a PIN or password reset instead."),
                    username=account.username,
                )
            token = issue_activation(account, now)
            message = mail_link(
                session,
                account,
                "activation",
                token,
                link_base,
                "login_account.resend_activation",
                _key("activation", request_key),
            )
            session.flush()
            scope.note(
                sent_to=account.login_email,
                outbox_id=message.id,
                activation_expires_at=account.activation_expires_at,
            )
    except Duplicate:
        session.refresh(account)
    return account


def reset_secret(
    session: Session,
    actor: Actor,
    account_id: int,
    *,
    link_base: str,
    request_key: str | None = None,
    now: dt.datetime | None = None,
) -> LoginAccount:
    now = now or utcnow()
    account = get_account(session, account_id)
    try:
        with audited(session, actor, "login_account.reset_secret", account) as scope:
            require_operator(actor)
            if account.state == AccountState.DISABLED:
                raise Refused(
                    N_("%(username)s is disabled: it cannot receive a reset."),
                    username=account.username,
                )
            if account.state == AccountState.PENDING_ACTIVATION:
                raise Refused(
                    N_("%(username)s is not activated yet: resend the activation mail instead."),
                    username=account.username,
                )
            token = issue_reset(account, now)
            message = mail_link(
                session,
                account,
                "reset",
                token,
                link_base,
                "login_account.reset_secret",
                _key("reset", request_key),
            )
            session.flush()
            scope.note(
                sent_to=account.login_email,
                outbox_id=message.id,
                reset_expires_at=account.reset_expires_at,
            )
    except Duplicate:
        session.refresh(account)
    return account


def _key(kind: str, request_key: str | None) -> str | None:
    return f"login_account.{kind}:{request_key}" if request_key else None


def require_operator(actor: Actor) -> None:
    if not actor.may(Role.OPERATOR):
        raise Refused(N_("Your role may not manage login accounts."))
