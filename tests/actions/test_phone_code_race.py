"""Two desks send a code to one mobile number at the same moment, for two accounts that share
it, when the number already got 2 codes today: exactly one more code leaves, and the other
desk gets the refusal with the time the number can receive one again.

On PostgreSQL the second request is let run until it waits for the first one's transaction,
then the first commits. On SQLite every transaction starts with BEGIN IMMEDIATE
(admin/db.py), so the second request cannot read anything before the first one commits: the
interleaving that loses the limit cannot happen there, and the test checks that the waiting
request gets the refusal, not "database is locked"."""

from __future__ import annotations

import threading

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from actions.context import Actor
from actions.errors import Refused
from actions.send_phone_code import send_phone_code
from models import LoginAccount
from tests.actions.test_phone_code_limits import MORNING, _sent_to_number
from tests.actions.test_phone_code_limits import library as library  # a fixture
from tests.actions.test_phone_code_limits import two_accounts as two_accounts

WAITING_FOR_A_LOCK = text(
    "SELECT count(*) FROM pg_stat_activity "
    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


def _until_the_other_waits(factory: sessionmaker[Session], done: threading.Event) -> None:
    """Returns once another transaction waits for a lock (PostgreSQL) or has finished; on
    SQLite right away, the other request's BEGIN IMMEDIATE waits for the write lock."""
    with factory() as observer:
        if observer.get_bind().dialect.name != "postgresql":
            return
        while not done.is_set():
            if observer.scalar(WAITING_FOR_A_LOCK):
                return
            observer.rollback()
            done.wait(0.01)


def test_two_desks_at_the_same_moment_send_the_number_one_code_not_two(
    session: Session,
    session_factory: sessionmaker[Session],
    olivia: Actor,
    two_accounts: tuple[LoginAccount, LoginAccount],
) -> None:
    anne, bram = two_accounts
    for _ in range(2):
        send_phone_code(session, olivia, anne.id, now=MORNING)
        session.commit()
    first, second = session_factory(), session_factory()
    send_phone_code(first, olivia, anne.id, now=MORNING)  # the 3rd, not yet committed
    outcome: list[BaseException | LoginAccount] = []
    done = threading.Event()

    def the_other_desk() -> None:
        try:
            outcome.append(send_phone_code(second, olivia, bram.id, now=MORNING))
            second.commit()
        except BaseException as error:  # any outcome is kept for the assertion
            outcome.append(error)
            second.rollback()
        finally:
            done.set()

    desk = threading.Thread(target=the_other_desk)
    desk.start()
    _until_the_other_waits(session_factory, done)
    first.commit()
    desk.join()
    first.close()
    second.close()

    assert len(outcome) == 1 and isinstance(outcome[0], Refused), outcome
    assert outcome[0].msgid.startswith("The number %(mobile)s already received 3 codes today")
    assert "from 00:00 (2026-10-02)" in str(outcome[0])
    session.expire_all()
    assert _sent_to_number(session) == 3
    assert session.scalar(select(LoginAccount.phone_sends_today).filter_by(id=bram.id)) == 0
