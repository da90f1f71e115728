"""A value the database keeps unique, checked by an action before it writes: another
request can take it between the check and the write. The write then runs in a savepoint;
if the unique index refuses it, the check runs again and raises the action's own refusal
(the operator is told why and what to do), and nothing of the write is kept.

A number the console gives a new row (a ticket's, a client's) is never refused: when
another request took it at the same moment, the row is saved with the next free one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from models import Base

NUMBERING_TRIES = 5

Row = TypeVar("Row", bound=Base)


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


def add_numbered(
    session: Session,
    number: InstrumentedAttribute[str],
    next_number: Callable[[], str],
    make: Callable[[str], Row],
) -> Row:
    """Insert the row `make` builds with `next_number()`; when the unique index on `number`
    refuses it because another request saved that number since, try the next one."""
    for _attempt in range(NUMBERING_TRIES - 1):
        given = next_number()
        row = make(given)
        try:
            with session.begin_nested():
                session.add(row)
            return row
        except IntegrityError:
            if session.scalar(select(number).where(number == given).limit(1)) is None:
                raise  # refused for another reason than the number
    row = make(next_number())
    session.add(row)
    session.flush()
    return row
