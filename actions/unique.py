"""A value the database keeps unique, checked by an action before it writes: another
request can take it between the check and the write. The write then runs in a savepoint;
if the unique index refuses it, the check runs again and raises the action's own refusal
(the operator is told why and what to do), and nothing of the write is kept."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


@contextmanager
def refused_if_taken(session: Session, check_again: Callable[[], None]) -> Iterator[None]:
    """Run the writes of the block in a savepoint, flushed at its end; `check_again` raises
    the refusal when the unique index refused them because the value is now taken."""
    try:
        with session.begin_nested():
            yield
            session.flush()
    except IntegrityError:
        # The savepoint flushed what was pending before it: what is pending now was added in
        # the block and refused, and must not be written later with the rest; the records it
        # was attached to are read again as the database has them.
        for refused in list(session.new):
            session.expunge(refused)
        session.expire_all()
        session.info.pop("audit_pending", None)  # the trail's notes of the refused flush
        check_again()
        raise
