"""The outbox: every mail is a row written in the action's transaction, then delivered.

Delivery claims a message with a conditional UPDATE (queued -> sending), so two
dispatchers never deliver the same message. A failed attempt goes back to the queue
with a growing delay; a claim that never finished (the process died mid-send) is not
retried automatically, because the mail may have left: it is marked failed with that
explanation and an operator decides to resend.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any, Protocol, cast
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from actions.audit import audited, primary_key
from actions.context import Actor
from actions.errors import Duplicate, Refused
from admin.i18n import N_
from models import Base, Channel, OutboxMessage, OutboxStatus, utcnow

log = logging.getLogger("sportello.outbox")

MAX_ATTEMPTS = 8
BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_CAP = dt.timedelta(hours=1)
STALE_CLAIM = dt.timedelta(minutes=15)


def enqueue(
    session: Session,
    *,
    recipient: str,
    subject: str,
    body: str,
    caused_by: str,
    entity: Base | None = None,
    channel: Channel = Channel.EMAIL,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Queue a message in the current transaction.

    The same dedupe key queues it once: a second call raises `Duplicate` with the first
    message, so the caller can roll back whatever else it prepared.
    """
    if dedupe_key is not None and (existing := find_by_key(session, dedupe_key)) is not None:
        raise Duplicate(existing)
    message = OutboxMessage(
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        caused_by=caused_by,
        entity_type=entity.__tablename__ if entity is not None else None,
        entity_id=primary_key(entity) if entity is not None else None,
        dedupe_key=dedupe_key,
        next_attempt_at=utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        # A concurrent submission with the same key won the race.
        existing = find_by_key(session, dedupe_key or "")
        if existing is None:
            raise
        raise Duplicate(existing) from None
    return message


def find_by_key(session: Session, dedupe_key: str) -> OutboxMessage | None:
    return session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))


def resend(
    session: Session, actor: Actor, message_id: int, recipient: str | None = None
) -> OutboxMessage:
    """Queue a copy of a sent or failed message, to its address or a corrected one."""
    original = session.get(OutboxMessage, message_id)
    if original is None:
        raise Refused(N_("This message no longer exists."))
    with audited(session, actor, "outbox.resend", original) as scope:
        if original.status in {OutboxStatus.QUEUED, OutboxStatus.SENDING}:
            raise Refused(N_("This message is still waiting to be sent: it will go out shortly."))
        copy = OutboxMessage(
            channel=original.channel,
            recipient=(recipient or original.recipient).strip(),
            subject=original.subject,
            body=original.body,
            caused_by="outbox.resend",
            entity_type=original.entity_type,
            entity_id=original.entity_id,
            resent_from_id=original.id,
            next_attempt_at=utcnow(),
        )
        session.add(copy)
        session.flush()
        scope.note(copy_id=copy.id, recipient=copy.recipient)
    return copy


# --- delivery ----------------------------------------------------------------------------


class Transport(Protocol):
    def send(self, message: OutboxMessage) -> None: ...


@dataclass
class SmtpTransport:
    """Delivers e-mail through the server named by SMTP_URL.

    `smtp://host:port` (STARTTLS when `?starttls=1`), `smtps://host:port` for implicit
    TLS; user and password in the URL when the server wants them.
    """

    url: str
    mail_from: str
    timeout: float = 10.0

    def send(self, message: OutboxMessage) -> None:
        parts = urlsplit(self.url)
        implicit_tls = parts.scheme == "smtps"
        port = parts.port or (465 if implicit_tls else 25)
        client_class = smtplib.SMTP_SSL if implicit_tls else smtplib.SMTP
        with client_class(parts.hostname or "localhost", port, timeout=self.timeout) as client:
            if parse_qs(parts.query).get("starttls") == ["1"]:
                client.starttls()
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            client.send_message(self._compose(message))

    def _compose(self, message: OutboxMessage) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.mail_from
        mail["To"] = message.recipient
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(localtime=False)
        domain = parseaddr(self.mail_from)[1].rpartition("@")[2] or "localhost"
        # A stable Message-ID lets the receiving side drop a copy it already has.
        mail["Message-ID"] = f"<outbox-{message.id}@{domain}>"
        mail["X-Sportello-Outbox-Id"] = str(message.id)
        mail.set_content(message.body)
        return mail


@dataclass
class LoggingSmsTransport:
    """The default SMS transport: writes the message to the log instead of a gateway."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    def send(self, message: OutboxMessage) -> None:
        log.info("SMS to %s: %s", message.recipient, message.body)
        self.sent.append((message.recipient, message.body))


@dataclass(frozen=True)
class DispatchReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    abandoned: int = 0


def backoff(attempts: int) -> dt.timedelta:
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def dispatch_once(
    session_factory: Callable[[], Session],
    transports: dict[Channel, Transport],
    *,
    worker: str | None = None,
    now: dt.datetime | None = None,
    batch: int = 50,
) -> DispatchReport:
    """Deliver what is due now; return what happened."""
    worker = worker or f"{socket.gethostname()}:{id(transports)}"
    now = now or utcnow()
    abandoned = _abandon_stale_claims(session_factory, now)
    claimed = _claim(session_factory, worker, now, batch)
    counts = {"sent": 0, "retried": 0, "failed": 0}
    for message_id in claimed:
        counts[_deliver(session_factory, transports, message_id, now)] += 1
    return DispatchReport(abandoned=abandoned, **counts)


def _claim(
    session_factory: Callable[[], Session], worker: str, now: dt.datetime, batch: int
) -> list[int]:
    with session_factory() as session, session.begin():
        query = (
            select(OutboxMessage.id)
            .where(OutboxMessage.status == OutboxStatus.QUEUED)
            .where(OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id)
            .limit(batch)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        claimed = []
        for message_id in session.scalars(query).all():
            result = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id)
                .where(OutboxMessage.status == OutboxStatus.QUEUED)
                .values(status=OutboxStatus.SENDING, claimed_by=worker, claimed_at=now)
            )
            if rowcount(result) == 1:
                claimed.append(message_id)
        return claimed


def _deliver(
    session_factory: Callable[[], Session],
    transports: dict[Channel, Transport],
    message_id: int,
    now: dt.datetime,
) -> str:
    # No transaction is held while talking to the mail server.
    with session_factory() as session:
        message = session.get_one(OutboxMessage, message_id)
        session.expunge(message)
    error: Exception | None = None
    try:
        transports[message.channel].send(message)
    except Exception as exc:  # any transport failure is recorded, never lost
        error = exc
    with session_factory() as session, session.begin():
        stored = session.get_one(OutboxMessage, message_id)
        stored.attempts += 1
        if error is None:
            stored.status, stored.sent_at, stored.last_error = OutboxStatus.SENT, utcnow(), None
            return "sent"
        stored.last_error = f"{type(error).__name__}: {error}"[:2000]
        if stored.attempts >= MAX_ATTEMPTS:
            stored.status = OutboxStatus.FAILED
            return "failed"
        stored.status = OutboxStatus.QUEUED
        stored.next_attempt_at = now + backoff(stored.attempts)
        return "retried"


def _abandon_stale_claims(session_factory: Callable[[], Session], now: dt.datetime) -> int:
    with session_factory() as session, session.begin():
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.SENDING)
            .where(OutboxMessage.claimed_at < now - STALE_CLAIM)
            .values(
                status=OutboxStatus.FAILED,
                last_error="Delivery was interrupted and may or may not have happened; "
                "check with the recipient, then resend from the outbox if needed.",
            )
        )
        return rowcount(result)


def rowcount(result: Any) -> int:
    """Rows touched by an UPDATE (SQLAlchemy types `execute()` as a plain Result)."""
    return int(cast(CursorResult[Any], result).rowcount or 0)


def pending_count(session: Session) -> int:
    return (
        session.scalar(select(func.count()).where(OutboxMessage.status == OutboxStatus.QUEUED)) or 0
    )


def transports_from(smtp_url: str, mail_from: str, **_: Any) -> dict[Channel, Transport]:
    return {Channel.EMAIL: SmtpTransport(smtp_url, mail_from), Channel.SMS: LoggingSmsTransport()}
