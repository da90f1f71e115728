"""Two real `serve` processes on one database, as behind a load balancer: everything they
share lives in the database (sessions, the login throttle, the audit chain's order, outbox
claims), so an operator may land on either and nothing forks or goes out twice.

The same test runs on PostgreSQL and on one SQLite file (several processes on one SQLite
file on a local disk are allowed: WAL lets them read at once, writers take turns).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup
from sqlalchemy import event, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from actions.outbox import BUSY_PAUSES, DispatchReport, dispatch_once, enqueue, transports_from
from admin.auth import COOKIE
from admin.db import make_engine, make_sessionmaker
from models import AuditEvent, Member, Organization, OutboxMessage, OutboxStatus
from tests.conftest import (
    PASSWORD,
    PG_URL,
    SECRET_KEY,
    Mailbox,
    Personas,
    SmtpServer,
    free_port,
    fresh_database,
    make_member,
    make_personas,
)
from tests.helpers import fresh

ROOT = Path(__file__).resolve().parent.parent
ACTIONS = 200
MEMBERS = 10
AT_ONCE = 16  # requests in flight at any moment, over both processes
RETRIES = 20  # a request answered 503 (database saturated) is sent again
# A dispatcher process that polls back to back, in small batches, so that two of them
# claim at the same moments (the console's own polls are seconds apart).
DISPATCHER = """
import sys
from actions.outbox import DispatchReport, dispatch_once, transports_from
from admin.db import make_engine, make_sessionmaker

factory = make_sessionmaker(make_engine(sys.argv[1]))
transports = transports_from(sys.argv[2], "desk@example.org")
print("ready", flush=True)
sys.stdin.readline()
sent = 0
while (report := dispatch_once(factory, transports, worker=sys.argv[3], batch=3)).sent:
    sent += report.sent
    assert (report.retried, report.failed, report.abandoned) == (0, 0, 0), report
print(sent, flush=True)
"""
DEADLINE = 120.0  # seconds: generous, only so that a broken server fails instead of hanging


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def _start(name: str, env: dict[str, str], directory: Path) -> Server:
    port = free_port()
    log = directory / f"serve-{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "main.py", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Server(name, process, f"http://127.0.0.1:{port}", log)


def _wait_until_ready(server: Server) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        assert server.process.poll() is None, f"server {server.name} exited:\n{server.output()}"
        try:
            if httpx.get(f"{server.url}/admin/login", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"server {server.name} never answered:\n{server.output()}")


def _stop(server: Server) -> None:
    """A graceful stop: the dispatcher finishes the batch it claimed before the process ends."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=30)


@pytest.fixture
def members(session: Session, organization: Organization) -> list[Member]:
    return [
        make_member(
            session,
            organization,
            first_name=f"Socio{n}",
            email=f"socio{n}@example.org",
            tax_code=f"TAX{n:05d}",
        )
        for n in range(MEMBERS)
    ]


@contextmanager
def _serving(database_url: str, smtp_url: str, directory: Path) -> Iterator[list[Server]]:
    """Two `python main.py serve` processes on one database, with the same secret key and
    SMTP server; always stopped at the end."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "SMTP_URL": smtp_url,
        "MAIL_FROM": "Sportello <desk@example.org>",
        "HTMX_URL": "/static/vendor/htmx.min.js",
        "CHART_URL": "/static/vendor/chart.umd.min.js",
        "BASE_URL": "http://console.example.org",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("SPORTELLO_DEMO", None)
    started: list[Server] = []
    try:
        for name in ("a", "b"):
            started.append(_start(name, env, directory))
        for server in started:
            _wait_until_ready(server)
        yield started
    finally:
        for server in started:
            _stop(server)


@pytest.fixture(scope="module")
def login_servers(
    template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Server]]:
    """For the login tests, which only read and sign in: one pair of processes on a database
    of their own with the three personas, started once for the module."""
    directory = tmp_path_factory.mktemp("login-servers")
    database_url, drop = fresh_database(template_database, directory)
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            make_personas(session)
        engine.dispose()
        with _serving(database_url, "smtp://127.0.0.1:1", directory) as servers:
            yield servers
    finally:
        engine.dispose()
        drop()


@pytest.fixture
def servers(
    database_url: str,
    smtp: SmtpServer,
    personas: Personas,
    members: list[Member],
    tmp_path: Path,
) -> Iterator[list[Server]]:
    with _serving(database_url, smtp.url, tmp_path) as servers:
        yield servers


# --- a browser, as httpx ----------------------------------------------------------------


def _log_in(client: httpx.Client, url: str, username: str, password: str = PASSWORD) -> Any:
    page = client.get(f"{url}/admin/login")
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text)
    assert token, page.text
    return client.post(
        f"{url}/admin/login",
        data={"username": username, "password": password, "csrftoken": token.group(1)},
    )


def _htmx_headers(client: httpx.Client, url: str) -> dict[str, str]:
    page = client.get(f"{url}/admin/")
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page.text)
    assert token, "the page does not put the CSRF token on htmx requests"
    return {"HX-Request": "true", "X-CSRFToken": token.group(1)}


def _told(response: Any) -> tuple[int, str]:
    """The status and the refusal, the time it names left out."""
    alert = BeautifulSoup(response.text, "html.parser").select_one(".alert-description")
    text = alert.get_text(strip=True) if alert else ""
    return response.status_code, re.sub(r"\d\d:\d\d(:\d\d)?", "hh:mm", text)


def _poll(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.2)


# --- the tests ----------------------------------------------------------------------------


def test_a_session_opened_on_one_process_works_on_the_other(
    login_servers: list[Server],
) -> None:
    a, b = login_servers
    with httpx.Client(timeout=30) as on_a, httpx.Client(timeout=30) as on_b:
        assert _log_in(on_a, a.url, "olivia").status_code == 303
        assert on_b.get(f"{b.url}/admin/members/list").status_code == 303  # no cookie yet
        on_b.cookies = httpx.Cookies(on_a.cookies)  # the same browser, the other process

        assert on_b.get(f"{b.url}/admin/members/list").status_code == 200
        # A form token issued by one process is good on the other: same key, same session.
        headers = _htmx_headers(on_a, a.url)
        logged_out = on_b.post(f"{b.url}/admin/logout", headers=headers)
        assert logged_out.status_code in {200, 303}, logged_out.text
        assert COOKIE not in on_b.cookies or not on_b.cookies[COOKIE]
        # Ended on B means ended everywhere: A no longer knows the old cookie.
        assert on_a.get(f"{a.url}/admin/members/list").status_code == 303


def test_the_login_throttle_counts_failures_on_both_processes(
    login_servers: list[Server],
) -> None:
    a, b = login_servers
    with httpx.Client(timeout=30) as browser:
        # Six wrong passwords then the right one, alternating between the two processes...
        alternating = [
            _told(_log_in(browser, (a, b)[n % 2].url, "sam", "not the password")) for n in range(6)
        ]
        alternating.append(_told(_log_in(browser, b.url, "sam")))
        # ...are answered exactly as the same attempts on one process.
        one_process = [_told(_log_in(browser, a.url, "ada", "not the password")) for _ in range(6)]
        one_process.append(_told(_log_in(browser, a.url, "ada")))

    assert alternating == one_process
    assert [text for _, text in alternating[:5]] == ["Wrong username or password."] * 5
    assert alternating[5][1].startswith("Too many failed logins for this account.")
    assert alternating[6][1].startswith("Too many failed logins for this account.")


def test_200_concurrent_actions_on_both_keep_one_audit_chain_and_send_each_mail_once(
    servers: list[Server],
    members: list[Member],
    session: Session,
    database_url: str,
    smtp: SmtpServer,
) -> None:
    a, b = servers
    with httpx.Client(timeout=30) as browser:
        assert _log_in(browser, a.url, "olivia").status_code == 303
        headers = _htmx_headers(browser, a.url)
        cookies = httpx.Cookies(browser.cookies)
    member_ids = [member.id for member in members]

    async def send_all() -> list[tuple[int, str]]:
        limit = asyncio.Semaphore(AT_ONCE)
        async with httpx.AsyncClient(cookies=cookies, headers=headers, timeout=60) as client:

            async def resend(n: int) -> tuple[int, str]:
                url = (a, b)[n % 2].url
                member_id = member_ids[n % len(member_ids)]
                for _attempt in range(RETRIES):
                    async with limit:
                        response = await client.post(
                            f"{url}/admin/do/members/{member_id}/resend_password",
                            data={"request_key": f"workers-{n}"},
                        )
                    if response.status_code != 503:
                        break
                    # Saturated (SQLite's write lock stayed busy): nothing was written, and
                    # the operator clicks again. Sooner than Retry-After asks: only the
                    # outcome counts here.
                    busy.append(n)
                    await asyncio.sleep(0.5)
                return response.status_code, response.text

            return await asyncio.gather(*(resend(n) for n in range(ACTIONS)))

    busy: list[int] = []
    # In its own thread: after a browser scenario, Playwright's event loop runs in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        answers = thread.submit(lambda: asyncio.run(send_all())).result()

    print(f"answers 503 then retried: {len(busy)}")
    assert Counter(status for status, _ in answers) == {200: ACTIONS}
    assert all("is on its way to" in text for _, text in answers)
    verify = subprocess.run(
        [sys.executable, "main.py", "audit", "verify"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY},
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        check=False,
    )
    assert verify.returncode == 0, verify.stderr
    assert "audit chain intact" in verify.stdout
    resends = fresh(session).scalars(
        select(AuditEvent.seq).where(AuditEvent.action == "member.resend_password")
    )
    assert len(set(resends)) == ACTIONS

    # Both processes' dispatchers deliver; once every message is sent, stop them, so that a
    # second delivery of any message would have reached the SMTP server too.
    def all_sent() -> bool:
        statuses = fresh(session).scalars(select(OutboxMessage.status)).all()
        return len(statuses) == ACTIONS and set(statuses) == {OutboxStatus.SENT}

    _poll(all_sent, "every message to be sent")
    for server in servers:
        _stop(server)
    queued = fresh(session).scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)).all()
    delivered = [int(mail["X-Sportello-Outbox-Id"]) for mail in smtp.mailbox.messages]
    assert sorted(delivered) == list(queued)
    claims = Counter(fresh(session).scalars(select(OutboxMessage.claimed_by)))
    print(f"claims per dispatcher: {dict(claims)}")


def test_two_dispatcher_processes_polling_at_once_mail_each_message_once(
    session: Session, database_url: str, smtp: SmtpServer
) -> None:
    queued = _queue(session, ACTIONS)
    session.commit()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    dispatchers = [
        subprocess.Popen(
            [sys.executable, "-c", DISPATCHER, database_url, smtp.url, f"process-{name}"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    try:
        for process in dispatchers:  # both connected before either claims anything
            assert process.stdout is not None and process.stdout.readline() == "ready\n"
        for process in dispatchers:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.close()
        for process in dispatchers:
            process.wait(timeout=DEADLINE)
        outputs = [process.stdout.read() if process.stdout else "" for process in dispatchers]
    finally:
        for process in dispatchers:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)
            for pipe in (process.stdin, process.stdout):
                if pipe is not None and not pipe.closed:
                    pipe.close()

    assert [process.returncode for process in dispatchers] == [0, 0]
    sent = [int(output.strip()) for output in outputs]
    assert sum(sent) == ACTIONS
    delivered = Counter(int(mail["X-Sportello-Outbox-Id"]) for mail in smtp.mailbox.messages)
    assert delivered == Counter(queued)
    rows = fresh(session).execute(select(OutboxMessage.status, OutboxMessage.attempts)).all()
    assert set(rows) == {(OutboxStatus.SENT, 1)}
    print(f"sent per dispatcher process: {sent}")


# --- a dispatcher that finds the database busy -----------------------------------------

sqlite_only = pytest.mark.skipif(
    PG_URL is not None,
    reason="holds SQLite's write lock from another connection; PostgreSQL writers wait for "
    "row locks instead of being refused",
)


class LockingMailbox(Mailbox):
    """Takes SQLite's write lock as the first mail arrives, as another process writing at
    length would, and keeps it until `unlock()`."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.blocker: sqlite3.Connection | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.blocker is None:
            self.blocker = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.blocker.execute("BEGIN IMMEDIATE")
        return await super().handle_DATA(server, session, envelope)

    def unlock(self) -> None:
        if self.blocker is not None and self.blocker.in_transaction:
            self.blocker.execute("ROLLBACK")


@pytest.fixture
def locking_smtp(database_url: str) -> Iterator[tuple[str, LockingMailbox]]:
    mailbox = LockingMailbox(make_url(database_url).database or "")
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield f"smtp://127.0.0.1:{port}", mailbox
    controller.stop()
    mailbox.unlock()
    if mailbox.blocker is not None:
        mailbox.blocker.close()


@pytest.fixture
def impatient_factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    """The dispatcher's sessions, refused after 50 ms of a busy write lock instead of
    seconds: the refusal is what is tested, not how long it takes to come."""
    engine = make_engine(database_url)

    @event.listens_for(engine, "connect")
    def _impatient(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=50")

    yield make_sessionmaker(engine)
    engine.dispose()


def _queue(session: Session, count: int) -> list[int]:
    """`count` reset mails queued, by their outbox ids."""
    return [
        enqueue(
            session,
            recipient=f"socio{n}@example.org",
            subject="Your password reset link",
            body="Open https://console.example.org/reset/abc to choose a new password.",
            caused_by="member.resend_password",
        ).id
        for n in range(count)
    ]


def _queue_three(session: Session) -> list[int]:
    ids = _queue(session, 3)
    session.commit()
    return ids


@sqlite_only
def test_a_delivery_the_busy_database_refused_to_write_down_is_written_when_it_frees(
    session: Session,
    impatient_factory: sessionmaker[Session],
    locking_smtp: tuple[str, LockingMailbox],
) -> None:
    ids = _queue_three(session)
    smtp_url, mailbox = locking_smtp
    pauses: list[float] = []

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        mailbox.unlock()  # the other process commits while the dispatcher waits

    report = dispatch_once(
        impatient_factory, transports_from(smtp_url, "desk@example.org"), pause=pause
    )

    assert report == DispatchReport(sent=3)
    assert pauses == [BUSY_PAUSES[0]]
    delivered = Counter(int(mail["X-Sportello-Outbox-Id"]) for mail in mailbox.messages)
    assert delivered == Counter(ids)
    rows = fresh(session).execute(select(OutboxMessage.status, OutboxMessage.attempts)).all()
    assert set(rows) == {(OutboxStatus.SENT, 1)}


@sqlite_only
def test_a_dispatcher_that_gives_up_puts_back_what_it_claimed_and_did_not_try(
    session: Session,
    impatient_factory: sessionmaker[Session],
    locking_smtp: tuple[str, LockingMailbox],
) -> None:
    first, *others = _queue_three(session)
    smtp_url, mailbox = locking_smtp
    transports = transports_from(smtp_url, "desk@example.org")
    pauses: list[float] = []

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) > len(BUSY_PAUSES):  # every try to write the delivery down is spent
            mailbox.unlock()

    with pytest.raises(OperationalError):
        dispatch_once(impatient_factory, transports, worker="process-a", pause=pause)

    rows = {row.id: row for row in fresh(session).scalars(select(OutboxMessage)).all()}
    # Delivered, but not written down: it stays claimed, and is marked as interrupted after
    # STALE_CLAIM (never mailed again on its own).
    assert (rows[first].status, rows[first].claimed_by) == (OutboxStatus.SENDING, "process-a")
    # Never tried: back in the queue, and the next pass mails them.
    assert {(rows[i].status, rows[i].claimed_by) for i in others} == {(OutboxStatus.QUEUED, None)}
    assert dispatch_once(impatient_factory, transports, worker="process-b") == DispatchReport(
        sent=2
    )
    delivered = Counter(int(mail["X-Sportello-Outbox-Id"]) for mail in mailbox.messages)
    assert delivered == Counter([first, *others])
