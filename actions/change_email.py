"""Changing an e-mail on file: a member's (the member form) or a login account's.

Seed 000: a member of a PIN-policy organisation signs in with the e-mail registered; no
operator form sets or changes it, nor moves such a member to another organisation (the way
out is deleting the account and registering again). Seed 004: the desk may correct a
password-policy address before sending the password-forgotten mail. When an address on
file is replaced, the change is its own audit event (before and after), the outstanding
links are revoked, and the old address is told (no link, no secret) in the
organisation's language, so a change the owner did not ask for does not go unseen.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.orm import Session

from actions import outbox, personal_data
from actions.audit import audited, log
from actions.context import Actor
from actions.errors import Refused
from actions.members import get_member
from admin.i18n import N_, translate
from models import (
    CredentialPolicy,
    LoginAccount,
    Member,
    Organization,
    OutboxMessage,
    Outcome,
    PasswordReset,
    Role,
    utcnow,
)

ACTION = "member.change_email"
ORGANIZATION_ACTION = "member.change_organization"

PIN_EMAIL_CHANGE = N_(
    "The e-mail of %(organization)s members cannot be changed: delete the account, "
    "then register again with the new address."
)
PIN_EMAIL_FILL_IN = N_(
    "Members of %(organization)s sign in with the e-mail they registered with: "
    "it cannot be filled in here. The member registers again with the address."
)
PIN_ORGANIZATION_CHANGE = N_(
    "%(name)s signs in with the e-mail registered with %(organization)s: the organisation "
    "cannot change. Delete the account, then register again with the other organisation."
)
PIN_ORGANIZATION_JOIN = N_(
    "Members of %(organization)s sign in with the e-mail they registered with: "
    "%(name)s cannot be moved into it. Delete the account, then register again with "
    "%(organization)s."
)

NOTICE_SUBJECT = N_("Your e-mail address was changed")
MEMBER_NOTICE = N_(
    "Hello %(name)s,\n\nthe help desk of %(organization)s changed the e-mail address on file "
    "for you: mails for you no longer come to this address, and links sent here before no "
    "longer work.\n\nIf you did not ask for this change, call the help desk.\n"
)
ACCOUNT_NOTICE = N_(
    "Hello,\n\nthe help desk of %(organization)s changed the login e-mail of the account "
    "%(username)s: mails for it no longer come to this address, and links sent here before "
    "no longer work.\n\nIf you did not ask for this change, call the help desk.\n"
)


def _same(typed: str | None, on_file: str | None) -> bool:
    return (typed or "").strip().lower() == (on_file or "").lower()


def _chosen(session: Session, organization_id: object, current: Organization) -> Organization:
    """The organisation the form names; the current one if it names none the form checks
    would accept (those checks answer for it)."""
    key = str(organization_id or "")
    found = session.get(Organization, int(key)) if key.isdecimal() and int(key) < 2**31 else None
    return found or current


def _refuse_pin_email(member: Member, organization: Organization) -> Refused:
    text = PIN_EMAIL_CHANGE if member.email else PIN_EMAIL_FILL_IN
    return Refused(text, field="email", organization=organization.name)


def check_member_edit(
    session: Session,
    actor: Actor,
    member_id: object,
    typed_email: str | None,
    organization_id: object,
) -> None:
    """The member form's rule, before anything is written: a member never moves out of or
    into a PIN-policy organisation (with or without an e-mail on file), and a PIN-policy
    organisation keeps the e-mail as it is. A refusal is in the trail with what was typed."""
    key = str(member_id)
    member = session.get(Member, int(key)) if key.isdecimal() and int(key) < 2**31 else None
    if member is None:
        return  # the form answers for a record that is not there
    current = member.organization
    chosen = _chosen(session, organization_id, current)
    typed: dict[str, str] = {}
    if chosen.id != current.id:
        action, typed["organization"] = ORGANIZATION_ACTION, chosen.name
    else:
        action = ACTION
    if not _same(typed_email, member.email):
        typed["email"] = (typed_email or "").strip()
    try:
        _check(member, current, chosen, typed_email)
    except Refused as refusal:
        log(session, actor, action, member, outcome=Outcome.REFUSED, message=str(refusal), **typed)
        raise


def _check(
    member: Member, current: Organization, chosen: Organization, typed_email: str | None
) -> None:
    if chosen.id != current.id:
        for organization, text in (
            (current, PIN_ORGANIZATION_CHANGE),
            (chosen, PIN_ORGANIZATION_JOIN),
        ):
            if organization.credential_policy == CredentialPolicy.PIN:
                raise Refused(
                    text,
                    field="organization",
                    name=member.full_name,
                    organization=organization.name,
                )
    if typed_email and typed_email.strip():
        personal_data.email(typed_email)
    if not _same(typed_email, member.email):
        for organization in (current, chosen):
            if organization.credential_policy == CredentialPolicy.PIN:
                raise _refuse_pin_email(member, organization)


def change_member_email(
    session: Session,
    actor: Actor,
    member_id: int,
    typed: str | None,
    *,
    now: dt.datetime | None = None,
) -> Member:
    """Set the member's e-mail to the one typed (empty: none). Refused for a PIN-policy
    member; a replaced address revokes the reset links and is told of the change."""
    member = get_member(session, member_id)
    if _same(typed, member.email):
        return member
    old = member.email
    with audited(session, actor, ACTION, member) as scope:
        if not actor.may(Role.OPERATOR):
            raise Refused(N_("Your role may not change an e-mail on file."), field="email")
        if member.organization.credential_policy == CredentialPolicy.PIN:
            raise _refuse_pin_email(member, member.organization)
        member.email = personal_data.email(typed) if typed and typed.strip() else None
        if old:
            scope.note(links_revoked=_revoke_resets(session, member, now or utcnow()))
            tell_old_address(session, member, old)
            scope.note(told=old)
    return member


def _revoke_resets(session: Session, member: Member, now: dt.datetime) -> int:
    result = session.execute(
        update(PasswordReset)
        .where(PasswordReset.member_id == member.id)
        .where(PasswordReset.used_at.is_(None), PasswordReset.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def tell_old_address(session: Session, member: Member, old: str) -> OutboxMessage:
    language = member.organization.language
    values = {"name": member.full_name, "organization": member.organization.name}
    return outbox.enqueue(
        session,
        recipient=old,
        subject=translate(language, NOTICE_SUBJECT),
        body=translate(language, MEMBER_NOTICE) % values,
        caused_by=ACTION,
        entity=member,
    )


def tell_old_login_email(session: Session, account: LoginAccount, old: str) -> OutboxMessage:
    """The notice to a login account's replaced address (no link, no secret)."""
    language = account.organization.language
    values = {"username": account.username, "organization": account.organization.name}
    return outbox.enqueue(
        session,
        recipient=old,
        subject=translate(language, NOTICE_SUBJECT),
        body=translate(language, ACCOUNT_NOTICE) % values,
        caused_by="login_account.change_email",
        entity=account,
    )
