"""A value the database keeps unique, checked by an action before it writes: another
request can take it between the check and the write. The write then runs in a savepoint;
if the unique index refuses it, the check runs again and raises the action's own refusal
(the operator is told why and what to do), and nothing of the write is kept.

A number the console gives a new row (a ticket's, a client's) is not refused: when
another request took it at the same moment, the row is saved with the next free one, and
when colleagues keep taking each number tried, with one made from the row's own key."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from actions.errors import Refused
from admin.i18n import N_
from models import Base

NUMBERING_TRIES = 5
PROVISIONAL = "~"
TAKEN_BY_COLLEAGUES = N_(
    "Several colleagues saved at the same moment and took the number this record was "
    "given: nothing was saved. Send it again."
)

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
    from_key: Callable[[int], str],
) -> Row:
    """Insert the row `make` builds with `next_number()`; when the unique index on `number`
    refuses it because another request saved that number since, try the next one. When
    colleagues took every number tried, the row is numbered with `from_key` from its own
    primary key, which no other row holds."""
    for _attempt in range(NUMBERING_TRIES):
        given = next_number()
        row = make(given)
        try:
            with session.begin_nested():
                session.add(row)
            return row
        except IntegrityError:
            if session.scalar(select(number).where(number == given).limit(1)) is None:
                raise  # refused for another reason than the number
    return _numbered_from_key(session, number, make, from_key)


def _numbered_from_key(
    session: Session,
    number: InstrumentedAttribute[str],
    make: Callable[[str], Row],
    from_key: Callable[[int], str],
) -> Row:
    """Save the row under a provisional number no other request can hold, then number it
    from its primary key; refused (send again) in the unlikely case that number is taken."""
    row = make(PROVISIONAL + secrets.token_hex(8))
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
            identity = inspect(row).identity
            assert identity is not None  # flushed: the database gave the key
            setattr(row, number.key, from_key(int(identity[0])))
            session.flush()
    except IntegrityError:
        raise Refused(TAKEN_BY_COLLEAGUES) from None
    return row
