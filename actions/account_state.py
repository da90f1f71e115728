"""Unlock a login account after failed logins; delete one with a typed confirmation
(seed 000: deleting keeps the audit trail, which records a full snapshot)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from actions import steps
from actions.account_links import require_operator
from actions.audit import audited, snapshot
from actions.context import Actor
from actions.errors import Refused
from actions.login_accounts import get_account
from admin.i18n import N_
from models import AccountState, LoginAccount


def unlock_account(session: Session, actor: Actor, account_id: int) -> LoginAccount:
    account = get_account(session, account_id)
    with audited(session, actor, "login_account.unlock", account):
        require_operator(actor)
        if account.state != AccountState.LOCKED:
            raise Refused(N_("%(username)s is not locked."), username=account.username)
        account.state = AccountState.ACTIVE
        account.failed_attempts = 0
    return account


def ask_delete_account(session: Session, actor: Actor, account_id: int, secret_key: str) -> str:
    """The first step of a deletion: the token the typed confirmation is posted with."""
    require_operator(actor)
    get_account(session, account_id)
    return steps.issue(secret_key, "login_account.delete", actor, account=account_id)


DELETE_STEP_REFUSED = N_(
    "Open the deletion form again and type the username there: this confirmation is missing, "
    "older than 10 minutes, or was shown for another account or to another operator."
)


def delete_account(
    session: Session,
    actor: Actor,
    account_id: int,
    typed_username: str,
    proof: steps.Proof | None,
    *,
    reason: str | None = None,
) -> None:
    """Only with the username typed in the form `ask_delete_account` issued a token for."""
    account = get_account(session, account_id)
    with audited(session, actor, "login_account.delete", account, reason=reason) as scope:
        require_operator(actor)
        steps.check(
            proof,
            "login_account.delete",
            actor,
            Refused(DELETE_STEP_REFUSED, field="confirmation"),
            account=account.id,
        )
        if typed_username.strip().lower() != account.username.lower():
            raise Refused(
                N_("Type the username %(username)s to confirm the deletion."),
                field="confirmation",
                username=account.username,
            )
        scope.before = snapshot(account)
        session.delete(account)


def change_login_email(
    session: Session, actor: Actor, account_id: int, new_email: str
) -> LoginAccount:
    """Seed 000: with a PIN policy the login e-mail cannot change; the way out is deleting
    the account and registering again. A new address revokes the activation and reset links
    mailed to the old one at once, and the old address is told of the change (no link)."""
    from actions import personal_data
    from actions.change_email import tell_old_login_email
    from models import CredentialPolicy

    account = get_account(session, account_id)
    with audited(session, actor, "login_account.change_email", account) as scope:
        require_operator(actor)
        if account.organization.credential_policy == CredentialPolicy.PIN:
            raise Refused(
                N_(
                    "The login e-mail of %(organization)s accounts cannot be changed: delete the account, "
                    "then register again with the new address."
                ),
                field="login_email",
                organization=account.organization.name,
            )
        checked = personal_data.email(new_email)
        old = account.login_email
        if checked.lower() != (old or "").lower():
            scope.note(links_revoked=revoke_links(account))
            if old:
                tell_old_login_email(session, account, old)
                scope.note(told=old)
        account.login_email = checked
    return account


def revoke_links(account: LoginAccount) -> bool:
    """Clear the account's outstanding activation and reset links; whether there were any."""
    had_links = bool(account.activation_token_hash or account.reset_token_hash)
    account.activation_token_hash = account.activation_expires_at = None
    account.reset_token_hash = account.reset_expires_at = None
    return had_links
