"""Mailed activation and reset links for login accounts: resend activation, reset the
PIN or password (seed 004: activation within 24 hours; seeds 000/002: PIN and password
reset). Operators never choose or see the secret: the member sets it through the link.
The same form submitted twice sends one mail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

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
    return _send_link(
        session,
        actor,
        account_id,
        "activation",
        _check_pending,
        issue_activation,
        link_base,
        request_key,
        now,
    )


def reset_secret(
    session: Session,
    actor: Actor,
    account_id: int,
    *,
    link_base: str,
    request_key: str | None = None,
    now: dt.datetime | None = None,
) -> LoginAccount:
    return _send_link(
        session,
        actor,
        account_id,
        "reset",
        _check_activated,
        issue_reset,
        link_base,
        request_key,
        now,
    )


def _check_pending(account: LoginAccount) -> None:
    if account.state != AccountState.PENDING_ACTIVATION:
        raise Refused(
            N_("%(username)s is already activated: send a PIN or password reset instead."),
            username=account.username,
        )


def _check_activated(account: LoginAccount) -> None:
    if account.state == AccountState.DISABLED:
        raise Refused(
            N_("%(username)s is disabled: it cannot receive a reset."), username=account.username
        )
    if account.state == AccountState.PENDING_ACTIVATION:
        raise Refused(
            N_("%(username)s is not activated yet: resend the activation mail instead."),
            username=account.username,
        )


def _send_link(
    session: Session,
    actor: Actor,
    account_id: int,
    kind: str,
    check: Callable[[LoginAccount], None],
    issue: Callable[[LoginAccount, dt.datetime], str],
    link_base: str,
    request_key: str | None,
    now: dt.datetime | None,
) -> LoginAccount:
    action = (
        "login_account.resend_activation" if kind == "activation" else "login_account.reset_secret"
    )
    account = get_account(session, account_id)
    try:
        with audited(session, actor, action, account) as scope:
            require_operator(actor)
            check(account)
            token = issue(account, now or utcnow())
            dedupe_key = f"login_account.{kind}:{request_key}" if request_key else None
            message = mail_link(session, account, kind, token, link_base, action, dedupe_key)
            session.flush()
            expires = (
                account.activation_expires_at if kind == "activation" else account.reset_expires_at
            )
            scope.note(sent_to=account.login_email, outbox_id=message.id, link_expires_at=expires)
    except Duplicate:
        session.refresh(account)
    return account


def require_operator(actor: Actor) -> None:
    if not actor.may(Role.OPERATOR):
        raise Refused(N_("Your role may not manage login accounts."))
