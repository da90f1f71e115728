"""Resend from the outbox. A plain message is copied (to its address or a corrected one);
a message that carried a secret is never copied: the action that issued it issues a fresh
one (revoking the earlier ones) to the address on file. A typed address is accepted only
where the seeds allow it: a member with no e-mail on file (seed 001) gets it filled in first,
as its own audited change, and never in an organisation whose members sign in with the
e-mail they registered with (seed 000)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from actions import outbox
from actions.account_links import require_operator, resend_activation, reset_secret
from actions.audit import audited
from actions.companies import send_access_code
from actions.context import Actor
from actions.errors import Refused
from actions.login_accounts import get_account
from actions.members import get_member
from actions.resend_password import resend_password
from actions.send_phone_code import send_phone_code
from admin.i18n import N_
from models import Member, Organization, OutboxMessage, OutboxStatus
from models.outbox import SecretKind


@dataclass(frozen=True)
class Target:
    """Where a fresh secret of this message's kind goes: the address on file, if any."""

    address: str | None
    may_fill_in: bool = False  # a member with no e-mail on file (seed 001)


def resend_message(
    session: Session,
    actor: Actor,
    message_id: int,
    recipient: str | None = None,
    *,
    link_base: str,
    request_key: str | None = None,
) -> OutboxMessage:
    original = session.get(OutboxMessage, message_id)
    if original is None or original.secret is None:
        return outbox.resend(session, actor, message_id, recipient)
    kind = SecretKind(original.secret)
    with audited(session, actor, "outbox.resend", original) as scope:
        require_operator(actor)
        if original.status in {OutboxStatus.QUEUED, OutboxStatus.SENDING}:
            raise Refused(N_("This message is still waiting to be sent: it will go out shortly."))
        typed = (recipient or "").strip() or None
        target = target_of(session, original)
        elsewhere = typed is not None and typed.lower() != (target.address or "").lower()
        if elsewhere and not target.may_fill_in:
            raise Refused(
                N_(
                    "This message carried a one-time link or code: a fresh one goes only to "
                    "the address on file (%(address)s), never to a typed one. If that address "
                    "is wrong, correct it on the record first."
                ),
                field="recipient",
                address=target.address or "-",
            )
        fresh = _issue(session, actor, original, kind, typed, link_base, request_key)
        fresh.resent_from_id = original.id
        session.flush()
        scope.note(reissued_as=fresh.id, recipient=fresh.recipient, secret=kind.value)
    return fresh


def target_of(session: Session, message: OutboxMessage) -> Target:
    """The address a fresh secret of this message's kind would go to today."""
    kind, entity_id = SecretKind(message.secret or ""), int(message.entity_id or 0)
    if kind == SecretKind.MEMBER_RESET:
        member = get_member(session, entity_id)
        return Target(member.email, may_fill_in=not member.email)
    if kind in (SecretKind.ACCOUNT_ACTIVATION, SecretKind.ACCOUNT_RESET):
        return Target(get_account(session, entity_id).login_email)
    if kind == SecretKind.PHONE_CODE:
        owner: Member | None = get_account(session, entity_id).member
        return Target(owner.mobile if owner is not None else None)
    if kind == SecretKind.ACCESS_CODE:
        organization = session.get(Organization, entity_id)
        return Target(organization.email if organization is not None else None)
    return Target(None)


def _issue(
    session: Session,
    actor: Actor,
    original: OutboxMessage,
    kind: SecretKind,
    typed: str | None,
    link_base: str,
    request_key: str | None,
) -> OutboxMessage:
    entity_id = int(original.entity_id or 0)
    key = f"outbox.resend:{request_key}" if request_key else None
    if kind == SecretKind.MEMBER_RESET:
        result = resend_password(
            session, actor, entity_id, link_base=link_base, email=typed, request_key=key
        )
        return result.message
    if kind == SecretKind.ACCOUNT_ACTIVATION:
        resend_activation(session, actor, entity_id, link_base=link_base, request_key=key)
    elif kind == SecretKind.ACCOUNT_RESET:
        reset_secret(session, actor, entity_id, link_base=link_base, request_key=key)
    elif kind == SecretKind.PHONE_CODE:
        send_phone_code(session, actor, entity_id, request_key=key)
    elif kind == SecretKind.ACCESS_CODE:
        send_access_code(session, actor, entity_id)
    else:
        raise Refused(
            N_(
                "This message carried one-time links to approve or refuse a request: they are "
                "never copied. The requester sends the request again."
            )
        )
    return _latest(session, original)


def _latest(session: Session, original: OutboxMessage) -> OutboxMessage:
    """The message the issuing action just queued (or queued for this same request)."""
    fresh = session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.entity_type == original.entity_type)
        .where(OutboxMessage.entity_id == original.entity_id)
        .where(OutboxMessage.secret == original.secret)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    assert fresh is not None
    return fresh
