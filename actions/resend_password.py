"""Resend password: mail the member a single-use reset link valid for 24 hours.

Seed 001: "Renvoyer mot de passe"; if the member has no e-mail yet, the operator fills
it in first (its own audited change), then sends. The link only ever goes to the address on
file: a typed address is refused when the member already has one, and always for an
organisation whose members sign in with the e-mail they registered with (PIN policy, seed
000). Only the SHA-256 of the link's token is stored; a new link revokes the ones before
it; the same form submitted twice sends one mail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session

from actions import outbox, personal_data
from actions.audit import audited
from actions.context import Actor
from actions.errors import Duplicate, Refused
from actions.members import get_member
from actions.passwords import new_token, token_digest
from admin.i18n import N_, translate
from models import CredentialPolicy, Member, OutboxMessage, PasswordReset, Role, utcnow
from models.outbox import SecretKind

LINK_VALIDITY = dt.timedelta(hours=24)
ACTION = "member.resend_password"


@dataclass(frozen=True)
class ResendResult:
    member: Member
    message: OutboxMessage
    repeated: bool = False


def resend_password(
    session: Session,
    actor: Actor,
    member_id: int,
    *,
    link_base: str,
    email: str | None = None,
    request_key: str | None = None,
    now: dt.datetime | None = None,
) -> ResendResult:
    now = now or utcnow()
    member = get_member(session, member_id)
    dedupe_key = f"{ACTION}:{request_key}" if request_key else None
    if dedupe_key and (earlier := outbox.find_by_key(session, dedupe_key)) is not None:
        return ResendResult(member, earlier, repeated=True)
    try:
        return _send(session, actor, member, link_base, email, dedupe_key, now)
    except Duplicate as duplicate:
        return ResendResult(member, duplicate.existing, repeated=True)


def _send(
    session: Session,
    actor: Actor,
    member: Member,
    link_base: str,
    email: str | None,
    dedupe_key: str | None,
    now: dt.datetime,
) -> ResendResult:
    if email is not None and email.strip():
        fill_in_email(session, actor, member, email)
    with audited(session, actor, ACTION, member) as scope:
        _require_operator(actor)
        if not member.email:
            raise Refused(
                N_("%(name)s has no e-mail address: fill it in, then send."),
                field="email",
                name=member.full_name,
            )
        token = _new_link(session, member, now)
        link = f"{link_base.rstrip('/')}/reset/{token}"
        subject, body = _mail(member, link)
        message = outbox.enqueue(
            session,
            recipient=member.email,
            subject=subject,
            body=body,
            caused_by=ACTION,
            entity=member,
            dedupe_key=dedupe_key,
            secret=SecretKind.MEMBER_RESET,
            hidden=(link,),
        )
        session.flush()
        scope.note(sent_to=member.email, outbox_id=message.id, link_expires_at=now + LINK_VALIDITY)
    return ResendResult(member, message)


def _require_operator(actor: Actor) -> None:
    if not actor.may(Role.OPERATOR):
        raise Refused(N_("Your role may not send password links."))


def fill_in_email(session: Session, actor: Actor, member: Member, typed: str) -> None:
    """Seed 001: a member with no e-mail on file gets the one the caller gives, as its own
    audited change. Never a second address: the link goes to the one on file."""
    if member.email and typed.strip().lower() == member.email.lower():
        return
    with audited(session, actor, "member.fill_in_email", member):
        _require_operator(actor)
        checked = personal_data.email(typed)
        if member.email:
            raise Refused(
                N_(
                    "%(name)s already has the e-mail %(email)s on file: the link goes only "
                    "there. If it is wrong, correct it on the member first."
                ),
                field="email",
                name=member.full_name,
                email=member.email,
            )
        if member.organization.credential_policy == CredentialPolicy.PIN:
            raise Refused(
                N_(
                    "Members of %(organization)s sign in with the e-mail they registered with: "
                    "it cannot be filled in here. The member registers again with the address."
                ),
                field="email",
                organization=member.organization.name,
            )
        member.email = checked


def _new_link(session: Session, member: Member, now: dt.datetime) -> str:
    session.execute(
        update(PasswordReset)
        .where(PasswordReset.member_id == member.id)
        .where(PasswordReset.used_at.is_(None), PasswordReset.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    token = new_token()
    session.add(
        PasswordReset(
            member_id=member.id,
            token_hash=token_digest(token),
            email=member.email or "",
            created_at=now,
            expires_at=now + LINK_VALIDITY,
        )
    )
    return token


def _mail(member: Member, link: str) -> tuple[str, str]:
    language = member.organization.language
    subject = translate(language, N_("Your password reset link"))
    body = translate(
        language,
        N_(
            "Hello %(name)s,\n\nto choose a new password, open this link within 24 hours:\n\n"
            "%(link)s\n\nThe link works once. If you did not ask for it, ignore this mail.\n"
        ),
    ) % {"name": member.full_name, "link": link}
    return subject, body
