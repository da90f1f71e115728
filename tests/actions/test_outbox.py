"""The outbox against a real SMTP server (aiosmtpd on localhost) and a real database."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from actions.context import Actor
from actions.errors import Duplicate, Refused
from actions.outbox import (
    BACKOFF_BASE,
    MAX_ATTEMPTS,
    STALE_CLAIM,
    DispatchReport,
    backoff,
    dispatch_once,
    enqueue,
    resend,
    transports_from,
)
from models import OutboxMessage, OutboxStatus, Outcome, utcnow
from tests.conftest import SmtpServer, free_port
from tests.helpers import events, last_event, outbox

MAIL_FROM = "Sportello <desk@example.org>"


def _queue(session: Session, count: int = 1, **overrides: Any) -> list[OutboxMessage]:
    values: dict[str, Any] = {
        "recipient": "mario.rossi@example.org",
        "subject": "Your password reset link",
        "body": "Open https://desk.example.org/reset/abc to choose a new password.",
        "caused_by": "member.resend_password",
    }
    values.update(overrides)
    messages = [enqueue(session, **values) for _ in range(count)]
    session.commit()
    return messages


def _dispatch(
    session: Session,
    session_factory: sessionmaker[Session],
    smtp_url: str,
    now: dt.datetime,
    **kwargs: Any,
) -> DispatchReport:
    """Dispatch with the test's own session idle (SQLite writers take turns), then re-read."""
    session.commit()
    report = dispatch_once(session_factory, transports_from(smtp_url, MAIL_FROM), now=now, **kwargs)
    session.expire_all()
    return report


def _dead_smtp_url() -> str:
    return f"smtp://127.0.0.1:{free_port()}"


# --- delivery ----------------------------------------------------------------------------


def test_a_queued_mail_reaches_the_smtp_server_and_is_marked_sent(
    session: Session, session_factory: sessionmaker[Session], smtp: SmtpServer
) -> None:
    [message] = _queue(session)

    report = _dispatch(session, session_factory, smtp.url, utcnow())

    assert report == DispatchReport(sent=1)
    [mail] = smtp.mailbox.wait_for(1)
    assert mail["Subject"] == "Your password reset link"
    assert mail["To"] == "mario.rossi@example.org"
    assert mail["From"] == MAIL_FROM
    assert mail["Message-ID"] == f"<outbox-{message.id}@example.org>"
    assert mail["X-Sportello-Outbox-Id"] == str(message.id)
    assert "https://desk.example.org/reset/abc" in mail.get_payload(decode=True).decode()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 1, None)
    assert message.sent_at is not None


def test_a_message_not_yet_due_is_left_in_the_queue(
    session: Session, session_factory: sessionmaker[Session], smtp: SmtpServer
) -> None:
    [message] = _queue(session)

    report = _dispatch(
        session, session_factory, smtp.url, message.next_attempt_at - dt.timedelta(seconds=1)
    )

    assert report == DispatchReport()
    assert (message.status, message.attempts) == (OutboxStatus.QUEUED, 0)
    assert smtp.mailbox.messages == []


def test_with_the_server_down_the_message_waits_then_goes_out_once_it_is_back(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    port = free_port()
    url = f"smtp://127.0.0.1:{port}"
    [message] = _queue(session)
    start = utcnow()

    report = _dispatch(session, session_factory, url, start)

    assert report == DispatchReport(retried=1)
    assert (message.status, message.attempts) == (OutboxStatus.QUEUED, 1)
    assert message.last_error is not None and "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at == start + backoff(1) == start + BACKOFF_BASE
    assert message.sent_at is None

    server = SmtpServer(port).start()
    try:
        early = _dispatch(
            session, session_factory, url, start + BACKOFF_BASE - dt.timedelta(seconds=1)
        )
        assert early == DispatchReport()
        assert (message.status, message.attempts) == (OutboxStatus.QUEUED, 1)
        assert server.mailbox.messages == []

        due = _dispatch(session, session_factory, url, start + BACKOFF_BASE)
        assert due == DispatchReport(sent=1)
        again = _dispatch(session, session_factory, url, start + dt.timedelta(days=1))
        assert again == DispatchReport()
    finally:
        server.stop()

    assert [m["X-Sportello-Outbox-Id"] for m in server.mailbox.messages] == [str(message.id)]
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 2, None)


def test_the_delay_between_attempts_grows_up_to_a_cap(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    url = _dead_smtp_url()
    [message] = _queue(session)
    now = utcnow()
    delays = []

    for _ in range(MAX_ATTEMPTS - 1):
        _dispatch(session, session_factory, url, now)
        delays.append(message.next_attempt_at - now)
        now = message.next_attempt_at

    assert delays == [backoff(n) for n in range(1, MAX_ATTEMPTS)]
    assert delays == sorted(delays) and delays[0] == BACKOFF_BASE
    assert backoff(MAX_ATTEMPTS * 4) == dt.timedelta(hours=1)


def test_after_max_attempts_failures_the_message_is_failed_and_no_longer_tried(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    url = _dead_smtp_url()
    [message] = _queue(session)
    now = utcnow()
    reports = []

    for _ in range(MAX_ATTEMPTS):
        reports.append(_dispatch(session, session_factory, url, now))
        now = message.next_attempt_at + dt.timedelta(hours=2)

    assert reports == [DispatchReport(retried=1)] * (MAX_ATTEMPTS - 1) + [DispatchReport(failed=1)]
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert message.last_error is not None

    assert _dispatch(session, session_factory, url, now + dt.timedelta(days=30)) == DispatchReport()
    assert message.attempts == MAX_ATTEMPTS


def test_two_dispatchers_at_the_same_time_deliver_each_message_exactly_once(
    session: Session, session_factory: sessionmaker[Session], smtp: SmtpServer
) -> None:
    ids = [m.id for m in _queue(session, 30)]
    now = utcnow()
    transports = transports_from(smtp.url, MAIL_FROM)
    start = threading.Barrier(2)

    def dispatcher(worker: str) -> int:
        start.wait()
        sent = 0
        while True:
            # Small batches so the two workers interleave their claims.
            report = dispatch_once(session_factory, transports, worker=worker, now=now, batch=3)
            if report == DispatchReport():
                return sent
            assert (report.retried, report.failed, report.abandoned) == (0, 0, 0)
            sent += report.sent

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(dispatcher, name) for name in ("worker-a", "worker-b")]
        sent = [future.result(timeout=120) for future in futures]

    received = Counter(mail["X-Sportello-Outbox-Id"] for mail in smtp.mailbox.wait_for(30))
    assert received == Counter({str(i): 1 for i in ids})
    assert sum(sent) == 30
    rows = outbox(session)
    assert {(r.status, r.attempts) for r in rows} == {(OutboxStatus.SENT, 1)}
    assert {r.claimed_by for r in rows} <= {"worker-a", "worker-b"}


def test_a_claim_left_unfinished_is_marked_failed_and_not_sent_again(
    session: Session, session_factory: sessionmaker[Session], smtp: SmtpServer
) -> None:
    stale, recent = _queue(session, 2)
    now = utcnow()
    stale.status, stale.claimed_by, stale.claimed_at = (
        OutboxStatus.SENDING,
        "dead-worker",
        now - STALE_CLAIM - dt.timedelta(seconds=1),
    )
    recent.status, recent.claimed_by, recent.claimed_at = (
        OutboxStatus.SENDING,
        "busy-worker",
        now - STALE_CLAIM + dt.timedelta(seconds=1),
    )

    report = _dispatch(session, session_factory, smtp.url, now)

    assert report == DispatchReport(abandoned=1)
    assert stale.status == OutboxStatus.FAILED
    assert stale.last_error is not None and "may or may not have happened" in stale.last_error
    assert stale.sent_at is None
    assert recent.status == OutboxStatus.SENDING  # not yet stale: its worker may still finish

    later = _dispatch(session, session_factory, smtp.url, now + dt.timedelta(days=1))
    assert later == DispatchReport(abandoned=1)
    assert (stale.status, recent.status) == (OutboxStatus.FAILED, OutboxStatus.FAILED)
    assert smtp.mailbox.messages == []


# --- queueing ----------------------------------------------------------------------------


def test_the_same_dedupe_key_queues_one_message(session: Session) -> None:
    [first] = _queue(session, dedupe_key="form-123")

    with pytest.raises(Duplicate) as duplicate:
        enqueue(
            session,
            recipient="someone.else@example.org",
            subject="Another subject",
            body="Another body",
            caused_by="member.resend_password",
            dedupe_key="form-123",
        )
    session.commit()

    assert duplicate.value.existing.id == first.id
    assert [(m.id, m.recipient) for m in outbox(session)] == [(first.id, "mario.rossi@example.org")]


def test_the_same_dedupe_key_twice_in_one_transaction_queues_one_message(
    session: Session,
) -> None:
    first = enqueue(
        session, recipient="a@example.org", subject="s", body="b", caused_by="t", dedupe_key="k"
    )

    with pytest.raises(Duplicate) as duplicate:
        enqueue(
            session, recipient="a@example.org", subject="s", body="b", caused_by="t", dedupe_key="k"
        )
    session.commit()

    assert duplicate.value.existing is first
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_messages_without_a_dedupe_key_are_all_queued(session: Session) -> None:
    _queue(session, 2)

    assert [m.status for m in outbox(session)] == [OutboxStatus.QUEUED] * 2


# --- resending ---------------------------------------------------------------------------


def test_a_sent_message_can_be_resent_to_a_corrected_address(
    session: Session, session_factory: sessionmaker[Session], smtp: SmtpServer, olivia: Actor
) -> None:
    [original] = _queue(session, recipient="mario.rosi@example.org")
    _dispatch(session, session_factory, smtp.url, utcnow())
    assert original.status == OutboxStatus.SENT

    copy = resend(session, olivia, original.id, recipient="  mario.rossi@example.org ")
    session.commit()

    assert copy.id != original.id
    assert (copy.status, copy.resent_from_id, copy.recipient, copy.attempts) == (
        OutboxStatus.QUEUED,
        original.id,
        "mario.rossi@example.org",
        0,
    )
    assert (copy.subject, copy.body) == (original.subject, original.body)
    assert original.status == OutboxStatus.SENT
    event = last_event(session, "outbox.resend")
    assert event.outcome == Outcome.SUCCESS
    assert (event.entity_type, event.entity_id) == ("outbox_message", str(original.id))
    assert event.after == {"copy_id": copy.id, "recipient": "mario.rossi@example.org"}
    assert (event.operator_username, event.ip) == ("olivia", "10.0.0.1")

    _dispatch(session, session_factory, smtp.url, utcnow())
    first, second = smtp.mailbox.wait_for(2)
    assert (first["To"], second["To"]) == ("mario.rosi@example.org", "mario.rossi@example.org")
    assert second["Message-ID"] == f"<outbox-{copy.id}@example.org>"
    assert copy.status == OutboxStatus.SENT


def test_a_failed_message_can_be_resent_to_its_own_address(session: Session, olivia: Actor) -> None:
    [original] = _queue(session)
    original.status = OutboxStatus.FAILED
    session.commit()

    copy = resend(session, olivia, original.id)
    session.commit()

    assert (copy.recipient, copy.resent_from_id, copy.status) == (
        original.recipient,
        original.id,
        OutboxStatus.QUEUED,
    )
    assert last_event(session, "outbox.resend").outcome == Outcome.SUCCESS


@pytest.mark.parametrize("status", [OutboxStatus.QUEUED, OutboxStatus.SENDING])
def test_a_message_still_waiting_to_be_sent_is_not_resent(
    session: Session, olivia: Actor, status: OutboxStatus
) -> None:
    [original] = _queue(session)
    original.status = status
    session.commit()
    before = len(events(session))

    with pytest.raises(Refused, match="still waiting to be sent"):
        resend(session, olivia, original.id)
    session.commit()

    assert [m.id for m in outbox(session)] == [original.id]
    assert len(events(session)) == before + 1
    event = last_event(session, "outbox.resend")
    assert event.outcome == Outcome.REFUSED
    assert (event.entity_type, event.entity_id) == ("outbox_message", str(original.id))
    assert event.after is None
    assert event.operator_username == "olivia"


def test_resending_a_message_that_does_not_exist_is_refused(
    session: Session, olivia: Actor
) -> None:
    with pytest.raises(Refused, match="no longer exists"):
        resend(session, olivia, 999_999)
    session.commit()

    assert outbox(session) == []
