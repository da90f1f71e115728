"""Another request writes a value the database keeps unique right after an action checked
it is free: deterministic, at the action's own check query, not with timing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker


def taken_right_after_the_check(
    session: Session, factory: sessionmaker[Session], model: type[Any], **row: Any
) -> list[bool]:
    """After the first query of `session` that reads `model`, a row with `row` is written,
    on PostgreSQL by another session that commits it; SQLite lets one writer at a time, so
    there the row appears on the session's own connection. The list says it happened."""
    landed: list[bool] = []

    def the_other_request_lands(state: ORMExecuteState) -> Any:
        if landed or not state.is_select or state.bind_mapper is not inspect(model):
            return None
        landed.append(True)
        checked = state.invoke_statement().freeze()  # the action sees the value free
        if state.session.get_bind().dialect.name == "sqlite":
            state.session.connection().execute(insert(model).values(**row))
        else:
            with factory() as other:
                other.add(model(**row))
                other.commit()
        return checked()

    event.listen(session, "do_orm_execute", the_other_request_lands)
    return landed


def numbered_right_after_the_highest(
    session: Session, factory: sessionmaker[Session], model: type[Any], *rows: Any, **row: Any
) -> list[bool]:
    """Like `taken_right_after_the_check`, at the query of `session` that reads the highest
    key of `model` to number a new row: another request saves `row`, with the number the
    action is about to give, right after. Given `rows`, the next of them lands at each such
    query in turn (colleagues saving one after another); a value there may be a function of
    the highest key read, giving the number the action is about to give. The list has one
    entry per row that landed."""
    waiting: list[dict[str, Any]] = list(rows) or [row]
    landed: list[bool] = []

    def the_other_request_lands(state: ORMExecuteState) -> Any:
        if len(landed) == len(waiting) or not state.is_select:
            return None
        if state.bind_mapper is not inspect(model) or "max(" not in str(state.statement).lower():
            return None
        checked = state.invoke_statement().freeze()  # the action sees the number free
        highest = checked().scalar() or 0
        values = {k: v(highest) if callable(v) else v for k, v in waiting[len(landed)].items()}
        _write(state.session, factory, model, values)
        landed.append(True)
        return checked()

    event.listen(session, "do_orm_execute", the_other_request_lands)
    return landed


def _write(session: Session, factory: sessionmaker[Session], model: type[Any], row: Any) -> None:
    if session.get_bind().dialect.name == "sqlite":
        session.connection().execute(insert(model).values(**row))
    else:
        with factory() as other:
            other.add(model(**row))
            other.commit()
