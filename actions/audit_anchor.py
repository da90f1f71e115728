"""Anchors: the chain's head written down outside the trail and mailed to the supervisors.

A hash chain cannot show that its newest events were cut off. `anchor` writes the head
(sequence and hash) down in `audit_anchor` and queues it, through the outbox, to every
active supervisor and administrator with an e-mail address, in the transaction of its
`audit.anchor` event; `actions.audit_evidence.check` reports a trail that ends before an
anchor, or differs from it, as tampering. The dispatcher anchors once a day
(`anchor_if_due`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from actions import outbox
from actions.audit import audited
from actions.audit_chain import _ADVISORY_LOCK_KEY
from actions.audit_evidence import Mark, latest_anchor
from actions.context import Actor
from actions.errors import Duplicate, Refused
from admin.i18n import DEFAULT_LOCALE, N_, translate
from models import AuditAnchor, AuditEvent, Operator, Role, utcnow

ANCHOR_EVERY = dt.timedelta(hours=24)


ANCHOR_SUBJECT = N_("Sportello audit trail: anchored at event %(seq)s")
ANCHOR_BODY = N_(
    "The audit trail of Sportello reached event %(seq)s on %(date)s.\n"
    "Its hash: %(hash)s\n\n"
    "Keep this message outside Sportello. Whoever checks the trail later proves with it "
    "that no event up to this one was removed or changed:\n\n"
    "    python main.py audit verify --anchor %(seq)s:%(hash)s\n\n"
    "You receive it as a supervisor of the console."
)


@dataclass(frozen=True)
class Anchored:
    """The anchor written (or the one already covering the head when nothing happened since),
    and the addresses it was mailed to."""

    anchor: AuditAnchor
    recipients: tuple[str, ...]
    new: bool


def anchor(session: Session, actor: Actor, now: dt.datetime | None = None) -> Anchored | None:
    """Write the chain's head down and mail it to the supervisors, with its `audit.anchor`
    event, in the caller's transaction. None when the trail is empty. When the head is the
    last anchor's own event, nothing happened since: that anchor is returned, nothing is
    mailed again."""
    if actor.role is not None and not actor.may(Role.SUPERVISOR):
        with audited(session, actor, "audit.anchor"):
            raise Refused(N_("Only a supervisor or an administrator may anchor the trail."))
    _take_turn(session)
    head = session.execute(
        select(AuditEvent.seq, AuditEvent.hash, AuditEvent.action)
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).first()
    if head is None:
        return None
    latest = latest_anchor(session)
    if latest is not None and head.action == "audit.anchor" and latest.seq == head.seq - 1:
        return Anchored(latest, (), new=False)
    with audited(session, actor, "audit.anchor", ("audit_anchor", None)) as scope:
        mark = AuditAnchor(seq=head.seq, hash=head.hash, at=now or utcnow())
        session.add(mark)
        session.flush()
        scope.entity_id = str(mark.id)
        recipients = _mail(session, mark)
        scope.note(seq=mark.seq, hash=mark.hash, mailed_to=list(recipients))
    return Anchored(mark, recipients, new=True)


def anchor_is_due(session: Session, now: dt.datetime) -> bool:
    """No anchor yet, or the latest is a day old: one indexed read."""
    latest = session.scalar(select(func.max(AuditAnchor.at)))
    return latest is None or latest <= now - ANCHOR_EVERY


def anchor_if_due(
    session: Session, actor: Actor, now: dt.datetime | None = None
) -> Anchored | None:
    """The dispatcher's daily anchor. Asked again once its turn is taken, so two
    dispatchers asking at the same moment anchor once."""
    now = now or utcnow()
    if not anchor_is_due(session, now):
        return None
    _take_turn(session)
    if not anchor_is_due(session, now):
        return None
    return anchor(session, actor, now)


def _take_turn(session: Session) -> None:
    """Writers of the trail wait until this transaction ends: the head read next stays the
    head, and a second anchoring waits for the first. (SQLite: a writing unit holds the
    database's write lock from its first statement.)"""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})


def supervisors_to_mail(session: Session) -> list[Operator]:
    query = (
        select(Operator)
        .where(
            Operator.active.is_(True),
            Operator.role.in_([Role.SUPERVISOR, Role.ADMIN]),
            Operator.email.is_not(None),
            Operator.email != "",
        )
        .order_by(Operator.id)
    )
    return list(session.scalars(query))


def _mail(session: Session, mark: AuditAnchor) -> tuple[str, ...]:
    sent = []
    for operator in supervisors_to_mail(session):
        language = operator.language or DEFAULT_LOCALE
        params = {"seq": mark.seq, "hash": mark.hash, "date": Mark(mark.seq, "", mark.at).date}
        try:
            outbox.enqueue(
                session,
                recipient=str(operator.email),
                subject=translate(language, ANCHOR_SUBJECT) % params,
                body=translate(language, ANCHOR_BODY) % params,
                caused_by="audit.anchor",
                entity=mark,
                dedupe_key=f"audit.anchor:{mark.seq}:{operator.id}",
            )
        except Duplicate:  # this head was mailed to them already
            continue
        sent.append(str(operator.email))
    return tuple(sent)
