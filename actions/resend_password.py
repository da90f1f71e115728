"""Resend password: mail the member a single-use reset link valid for 24 hours.

Seed 001: "Renvoyer mot de passe"; if the member has no e-mail yet, the operator fills
it in first, then sends. Only the SHA-256 of the link's token is stored; a new link
revokes the ones before it; the same form submitted twice sends one mail.
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
from models import Member, OutboxMessage, PasswordReset, Role, utcnow

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
    with audited(session, actor, ACTION, member) as scope:
        if not actor.may(Role.OPERATOR):
            raise Refused(N_("Your role may not send password links."))
        if email is not None and email.strip():
            member.email = personal_data.email(email)
        if not member.email:
            raise Refused(
                N_("%(name)s has no e-mail address: fill it in, then send."),
                field="email",
                name=member.full_name,
            )
        token = _new_link(session, member, now)
        subject, body = _mail(member, f"{link_base.rstrip('/')}/reset/{token}")
        message = outbox.enqueue(
            session,
            recipient=member.email,
            subject=subject,
            body=body,
            caused_by=ACTION,
            entity=member,
            dedupe_key=dedupe_key,
        )
        session.flush()
        scope.note(sent_to=member.email, outbox_id=message.id, link_expires_at=now + LINK_VALIDITY)
    return ResendResult(member, message)


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
