"""The member's side of a reset link: it works once, within 24 hours, if it is the latest,
and the new secret follows the organisation's policy (6-digit PIN or password rules), the
same rule as the login-account links (actions/account_secret.py)."""

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
from models import CredentialPolicy, Member, PasswordReset, utcnow


def check_link(session: Session, token: str, now: dt.datetime | None = None) -> PasswordReset:
    now = now or utcnow()
    link = session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == token_digest(token))
    )
    if link is None or link.revoked_at is not None or not _still_on_file(session, link):
        raise Refused(N_("This link is not valid any more. Ask the help desk for a new one."))
    if link.used_at is not None:
        raise Refused(N_("This link has already been used. Ask the help desk for a new one."))
    if now >= link.expires_at:
        raise Refused(
            N_("This link expired 24 hours after it was sent. Ask the help desk for a new one.")
        )
    return link


def _still_on_file(session: Session, link: PasswordReset) -> bool:
    """A link works only while the address it was mailed to is still the member's."""
    member = session.get(Member, link.member_id)
    return member is not None and (member.email or "").lower() == link.email.lower()


def link_policy(session: Session, token: str, now: dt.datetime | None = None) -> CredentialPolicy:
    """The policy the secret set through this link follows (refused if the link is not usable)."""
    link = check_link(session, token, now)
    return session.get_one(Member, link.member_id).organization.credential_policy


def use_link(
    session: Session,
    token: str,
    new_password: str,
    *,
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> Member:
    now = now or utcnow()
    link = check_link(session, token, now)
    member = session.get_one(Member, link.member_id)
    actor = Actor(None, f"member:{member.id}", None, ip=ip)
    with audited(session, actor, "member.reset_password", member):
        check_secret(member.organization.credential_policy, new_password)
        member.password_hash = hash_password(new_password)
        link.used_at = now
    return member
