"""What the login-account actions share: finding an account, issuing mailed links."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actions import outbox
from actions.errors import Refused
from actions.passwords import new_token, token_digest
from admin.i18n import N_, translate
from models import LoginAccount, OutboxMessage
from models.outbox import SecretKind

LINK_VALIDITY = dt.timedelta(hours=24)


def get_account(session: Session, account_id: int) -> LoginAccount:
    account = session.get(LoginAccount, account_id)
    if account is None:
        raise Refused(N_("This login account no longer exists. Search for it again."))
    return account


def by_username(session: Session, username: str) -> LoginAccount | None:
    """Usernames are compared without regard to case (served by the lower(username) index)."""
    return session.scalar(
        select(LoginAccount).where(func.lower(LoginAccount.username) == username.strip().lower())
    )


def issue_activation(account: LoginAccount, now: dt.datetime) -> str:
    token = new_token()
    account.activation_token_hash = token_digest(token)
    account.activation_expires_at = now + LINK_VALIDITY
    return token


def issue_reset(account: LoginAccount, now: dt.datetime) -> str:
    token = new_token()
    account.reset_token_hash = token_digest(token)
    account.reset_expires_at = now + LINK_VALIDITY
    return token


# One sentence per credential: "PIN" and "password" take different articles and
# adjectives in Italian and French ("un nuovo PIN", "una nuova password").
MAILS = {
    ("activation", "pin"): (
        N_("Activate your account"),
        N_(
            "Hello,\n\nyour account %(username)s is ready. Open this link within 24 hours to "
            "activate it and choose your PIN:\n\n%(link)s\n"
        ),
    ),
    ("activation", "password"): (
        N_("Activate your account"),
        N_(
            "Hello,\n\nyour account %(username)s is ready. Open this link within 24 hours to "
            "activate it and choose your password:\n\n%(link)s\n"
        ),
    ),
    ("reset", "pin"): (
        N_("Choose a new PIN"),
        N_(
            "Hello,\n\nto choose a new PIN for %(username)s, open this link within 24 "
            "hours:\n\n%(link)s\n\nThe link works once. If you did not ask for it, ignore this mail.\n"
        ),
    ),
    ("reset", "password"): (
        N_("Choose a new password"),
        N_(
            "Hello,\n\nto choose a new password for %(username)s, open this link within 24 "
            "hours:\n\n%(link)s\n\nThe link works once. If you did not ask for it, ignore this mail.\n"
        ),
    ),
}


def mail_link(
    session: Session,
    account: LoginAccount,
    kind: str,
    token: str,
    link_base: str,
    caused_by: str,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Queue the activation or reset mail, in the organisation's language."""
    if not account.login_email:
        raise Refused(
            N_("The login account has no e-mail address: fill it in first."), field="login_email"
        )
    language = account.organization.language
    values = {
        "username": account.username,
        "link": f"{link_base.rstrip('/')}/account/{kind}/{token}",
    }
    texts = MAILS[kind, account.organization.credential_policy.value]
    subject, body = (translate(language, text) % values for text in texts)
    return outbox.enqueue(
        session,
        recipient=account.login_email,
        subject=subject,
        body=body,
        caused_by=caused_by,
        entity=account,
        dedupe_key=dedupe_key,
        secret=SecretKind.ACCOUNT_ACTIVATION if kind == "activation" else SecretKind.ACCOUNT_RESET,
        hidden=(values["link"],),
    )
