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
        # Rolling back the savepoint dropped what the block added and the trail's notes of
        # it; the records it was attached to are read again as the database has them.
        session.expire_all()
        check_again()
        raise
