"""The outbox: every mail is a row written in the action's transaction, then delivered.

Delivery claims a message with a conditional UPDATE (queued -> sending), so two
dispatchers never deliver the same message. A failed attempt goes back to the queue
with a growing delay; a claim that never finished (the process died mid-send) is not
retried automatically, because the mail may have left: it is marked failed with that
explanation and an operator decides to resend.

The database may be busy for a while (another process holds SQLite's write lock past the
busy timeout) or briefly unreachable: writing down how a delivery went is tried again
for about a minute, since the mail has left; and when the dispatcher has to give up, the
messages it claimed but did not try yet go back to the queue for the next dispatcher.

A message that carries a secret (a link that sets a PIN or password, a code) is queued
with `secret=` and the secret strings in `hidden=`: operators only ever see the text with
them hidden (`masked_body`), and the body itself is replaced by that text as soon as the
message is delivered or given up, so the secret stays in the database only while the
message waits. Such a message is never copied: see `actions/reissue.py`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import smtplib
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any, Protocol, TypeVar, cast
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from actions.audit import audited, primary_key
from actions.context import Actor
from actions.errors import Duplicate, Refused
from admin.i18n import N_
from models import Base, Channel, OutboxMessage, OutboxStatus, utcnow
from models.outbox import HIDDEN, SecretKind

DEDUPE_KEY_LENGTH = 120  # OutboxMessage.dedupe_key's column

log = logging.getLogger("sportello.outbox")

MAX_ATTEMPTS = 8
BACKOFF_BASE = dt.timedelta(seconds=30)
BACKOFF_CAP = dt.timedelta(hours=1)
STALE_CLAIM = dt.timedelta(minutes=15)
# Pauses, in seconds, between tries of a write the dispatcher must not lose (about a minute
# in all, well within STALE_CLAIM).
BUSY_PAUSES = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)

T = TypeVar("T")


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
    secret: SecretKind | None = None,
    hidden: tuple[str, ...] = (),
) -> OutboxMessage:
    """Queue a message in the current transaction.

    The same dedupe key queues it once: a second call raises `Duplicate` with the first
    message, so the caller can roll back whatever else it prepared. A message carrying a
    secret names its kind and the secret strings, which operators never see.
    """
    if dedupe_key is not None and len(dedupe_key) > DEDUPE_KEY_LENGTH:  # a crafted form's key
        dedupe_key = hashlib.sha256(dedupe_key.encode()).hexdigest()
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
        secret=secret.value if secret is not None else None,
        masked_body=mask(body, hidden) if secret is not None else None,
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


def mask(text: str, hidden: tuple[str, ...]) -> str:
    for value in hidden:
        if value:
            text = text.replace(value, HIDDEN)
    return text


def find_by_key(session: Session, dedupe_key: str) -> OutboxMessage | None:
    return session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))


def resend(
    session: Session, actor: Actor, message_id: int, recipient: str | None = None
) -> OutboxMessage:
    """Queue a copy of a sent or failed message, to its address or a corrected one.

    A message that carried a secret is never copied (its secret is gone, and a copy to
    another address would hand it over): `actions.reissue` issues a fresh one instead."""
    original = session.get(OutboxMessage, message_id)
    if original is None:
        raise Refused(N_("This message no longer exists."))
    with audited(session, actor, "outbox.resend", original) as scope:
        if original.status in {OutboxStatus.QUEUED, OutboxStatus.SENDING}:
            raise Refused(N_("This message is still waiting to be sent: it will go out shortly."))
        if original.secret is not None:
            raise Refused(
                N_(
                    "This message carried a one-time link or code: it is never copied. "
                    "Send a fresh one from the record instead."
                )
            )
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
        log.info("SMS to %s: %s", message.recipient, message.shown_body)
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
    pause: Callable[[float], None] = time.sleep,
) -> DispatchReport:
    """Deliver what is due now; return what happened. `pause` waits between tries of a
    write the database refused for now."""
    worker = worker or f"{socket.gethostname()}:{id(transports)}"
    now = now or utcnow()
    abandoned = _abandon_stale_claims(session_factory, now)
    claimed = _claim(session_factory, worker, now, batch)
    counts = {"sent": 0, "retried": 0, "failed": 0}
    for position, message_id in enumerate(claimed):
        try:
            message = _load(session_factory, message_id)
        except Exception:
            _release(session_factory, worker, claimed[position:], pause)
            raise
        error = _send(transports, message)
        try:
            record = functools.partial(_record, session_factory, message_id, error, now)
            outcome = _persist(record, pause)
        except Exception:
            # Delivered or not, this one stays claimed: after STALE_CLAIM it is marked as
            # interrupted, never sent again on its own. The others were not tried.
            _release(session_factory, worker, claimed[position + 1 :], pause)
            raise
        counts[outcome] += 1
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


def _load(session_factory: Callable[[], Session], message_id: int) -> OutboxMessage:
    # No transaction is held while talking to the mail server.
    with session_factory() as session:
        message = session.get_one(OutboxMessage, message_id)
        session.expunge(message)
    return message


def _send(transports: dict[Channel, Transport], message: OutboxMessage) -> Exception | None:
    try:
        transports[message.channel].send(message)
    except Exception as exc:  # any transport failure is recorded, never lost
        return exc
    return None


def _record(
    session_factory: Callable[[], Session],
    message_id: int,
    error: Exception | None,
    now: dt.datetime,
) -> str:
    with session_factory() as session, session.begin():
        stored = session.get_one(OutboxMessage, message_id)
        stored.attempts += 1
        if error is None:
            stored.status, stored.sent_at, stored.last_error = OutboxStatus.SENT, utcnow(), None
            _forget_secret(stored)
            return "sent"
        stored.last_error = f"{type(error).__name__}: {error}"[:2000]
        if stored.attempts >= MAX_ATTEMPTS:
            stored.status = OutboxStatus.FAILED
            _forget_secret(stored)
            return "failed"
        stored.status = OutboxStatus.QUEUED
        stored.next_attempt_at = now + backoff(stored.attempts)
        return "retried"


def _persist(write: Callable[[], T], pause: Callable[[float], None]) -> T:
    """A write the dispatcher must not lose: tried again while the database is busy or
    unreachable, for the BUSY_PAUSES."""
    for seconds in BUSY_PAUSES:
        try:
            return write()
        except OperationalError as exc:
            log.warning(
                "outbox: the database refused a write (%s); again in %s s", exc.orig, seconds
            )
            pause(seconds)
    return write()


def _release(
    session_factory: Callable[[], Session],
    worker: str,
    message_ids: Sequence[int],
    pause: Callable[[float], None],
) -> None:
    """Claimed, not tried: back to the queue, for this dispatcher's next pass or another's."""
    if not message_ids:
        return

    def release() -> None:
        with session_factory() as session, session.begin():
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(message_ids))
                .where(OutboxMessage.status == OutboxStatus.SENDING)
                .where(OutboxMessage.claimed_by == worker)
                .values(status=OutboxStatus.QUEUED, claimed_by=None, claimed_at=None)
            )

    try:
        _persist(release, pause)
    except Exception:
        log.exception(
            "outbox: %s claimed messages could not go back to the queue; they will be "
            "marked as interrupted after %s",
            len(message_ids),
            STALE_CLAIM,
        )


def _forget_secret(message: OutboxMessage) -> None:
    """Delivered or given up: the secret leaves the database; the masked text stays."""
    if message.secret is not None:
        message.body = message.masked_body or HIDDEN


def _abandon_stale_claims(session_factory: Callable[[], Session], now: dt.datetime) -> int:
    with session_factory() as session, session.begin():
        stale = (
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.SENDING)
            .where(OutboxMessage.claimed_at < now - STALE_CLAIM)
        )
        failed = {
            "status": OutboxStatus.FAILED,
            "last_error": "Delivery was interrupted and may or may not have happened; "
            "check with the recipient, then resend from the outbox if needed.",
        }
        result = session.execute(
            stale.where(OutboxMessage.secret.is_not(None)).values(
                body=func.coalesce(OutboxMessage.masked_body, HIDDEN), **failed
            )
        )
        count = rowcount(result)
        result = session.execute(stale.where(OutboxMessage.secret.is_(None)).values(**failed))
        return count + rowcount(result)


def rowcount(result: Any) -> int:
    """Rows touched by an UPDATE (SQLAlchemy types `execute()` as a plain Result)."""
    return int(cast(CursorResult[Any], result).rowcount or 0)


def pending_count(session: Session) -> int:
    return (
        session.scalar(select(func.count()).where(OutboxMessage.status == OutboxStatus.QUEUED)) or 0
    )


def transports_from(smtp_url: str, mail_from: str, **_: Any) -> dict[Channel, Transport]:
    return {Channel.EMAIL: SmtpTransport(smtp_url, mail_from), Channel.SMS: LoggingSmsTransport()}
