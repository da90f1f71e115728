"""The audit trail: every change to an audited row, every action and every refusal.

- `audited(...)` wraps an action: row changes made inside it are folded into the
  action's single event, and a `Refused` raised inside it rolls back to a savepoint
  and is recorded with outcome `refused`.
- Outside an action (plain create/edit/delete through a view, a script), a session
  listener writes one event per changed row, so no write path escapes the trail.
- Each event's hash covers its content and the previous event's hash; `verify()`
  recomputes the chain. The database refuses UPDATE and DELETE on the table.
- `recorded(session)` names the events `record` wrote in the session's transaction, so
  that whoever shows an action's outcome can name its event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, SessionTransaction, UOWTransaction
from sqlalchemy.orm.exc import StaleDataError

from actions.audit_chain import _jsonable
from actions.context import Actor
from actions.errors import Conflict, Refused
from models import AuditEvent, Base, Outcome

MASK = "***"


@dataclass
class Scope:
    """An action in progress: what it is about and the changes it has made so far."""

    actor: Actor
    action: str
    entity_type: str | None
    entity_id: str | None
    reason: str | None = None
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    message: str | None = None

    def note(self, **after: Any) -> None:
        """Record facts that are not column changes (a mail queued, a key used)."""
        self.after.update({k: _jsonable(v) for k, v in after.items()})


def actor_of(session: Session) -> Actor:
    return session.info.get("actor") or Actor.system()


@contextmanager
def audited(
    session: Session,
    actor: Actor,
    action: str,
    entity: Base | tuple[str, Any] | None = None,
    *,
    reason: str | None = None,
) -> Iterator[Scope]:
    entity_type, entity_id = _entity_key(entity)
    scope = Scope(actor, action, entity_type, entity_id, reason)
    # An action run inside another's scope (an enrolment cancelling the one it replaces)
    # writes its own event first; the enclosing scope goes on collecting changes after it,
    # and writes its event last: the one the outcome names (see `main_event`).
    enclosing = session.info.get("audit_scope")
    savepoint = session.begin_nested()
    session.info["audit_scope"] = scope
    try:
        try:
            yield scope
            session.flush()
        except Refused as refusal:
            session.info.pop("audit_scope", None)
            savepoint.rollback()
            scope.before, scope.after = {}, {}  # rolled back with the savepoint
            record(session, scope, Outcome.REFUSED, message=str(refusal))
            raise
        except BaseException:
            session.info.pop("audit_scope", None)
            savepoint.rollback()
            raise
        session.info.pop("audit_scope", None)
        savepoint.commit()
        record(session, scope, Outcome.SUCCESS, message=scope.message)
    finally:
        if enclosing is not None:
            session.info["audit_scope"] = enclosing


@contextmanager
def changing(
    session: Session,
    actor: Actor,
    action: str,
    entity: Base,
    *,
    require: Callable[[Actor], None],
    conflict: Conflict,
) -> Iterator[Scope]:
    """An audited change of a versioned record by someone `require` lets through; a
    colleague's change of it saved at the same moment raises `conflict`, and nothing of the
    change is written."""
    try:
        with audited(session, actor, action, entity) as scope:
            require(actor)
            yield scope
    except StaleDataError:
        raise conflict from None


def _event(
    actor: Actor,
    action: str,
    entity: tuple[str | None, str | None],
    before: dict[str, Any],
    after: dict[str, Any],
    reason: str | None,
    outcome: Outcome,
    message: str | None = None,
) -> AuditEvent:
    """An event as `actor` writes it: who, from where, what, the change and its outcome."""
    return AuditEvent(
        operator_id=actor.operator_id,
        operator_username=actor.username,
        operator_role=actor.role.value if actor.role else None,
        ip=actor.ip,
        user_agent=(actor.user_agent or "")[:300] or None,
        request_id=actor.request_id,
        action=action,
        entity_type=entity[0],
        entity_id=entity[1],
        before=before or None,
        after=after or None,
        reason=reason,
        outcome=outcome,
        message=message,
    )


def record(session: Session, scope: Scope, outcome: Outcome, message: str | None = None) -> None:
    written = _event(
        scope.actor,
        scope.action,
        (scope.entity_type, scope.entity_id),
        scope.before,
        scope.after,
        scope.reason,
        outcome,
        message,
    )
    session.add(written)
    session.flush()
    _remember(session, written)


def log(
    session: Session,
    actor: Actor,
    action: str,
    entity: Base | tuple[str, Any] | None = None,
    *,
    outcome: Outcome = Outcome.SUCCESS,
    message: str | None = None,
    **after: Any,
) -> None:
    """Record an event that changes no audited row (a login, a failed login)."""
    scope = Scope(actor, action, *_entity_key(entity))
    scope.note(**after)
    record(session, scope, outcome, message)


# --- what the transaction recorded ------------------------------------------------------
#
# Each event `record` writes is remembered with the transaction it was written in (the
# innermost savepoint, else the transaction itself). A savepoint rolled back forgets the
# events written inside it (a refusal's own event is written after its savepoint rolled
# back, so it stays); the whole transaction rolled back forgets them all; a new transaction
# starts with none. After a commit they stay readable until the session begins again.

_RECORDED = "audit_recorded"


@dataclass(frozen=True)
class Recorded:
    """An event `record` wrote: its id (the event page's key) and its outcome."""

    id: int
    outcome: Outcome


def recorded(session: Session) -> list[Recorded]:
    """The events `record` wrote in the session's transaction, oldest first."""
    return [written for _where, written in session.info.get(_RECORDED, [])]


def main_event(session: Session, outcome: Outcome = Outcome.SUCCESS) -> Recorded | None:
    """The event an action's outcome names: the last one written with `outcome`. An action
    that runs another inside its scope (an enrolment cancelling the earlier one) writes the
    inner event first and its own when its scope ends, so the last is the action's own."""
    return next((e for e in reversed(recorded(session)) if e.outcome == outcome), None)


def _remember(session: Session, written: AuditEvent) -> None:
    where = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_RECORDED, []).append((where, Recorded(written.id, written.outcome)))


def _inside(where: SessionTransaction | None, rolled_back: SessionTransaction) -> bool:
    while where is not None:
        if where is rolled_back:
            return True
        where = where.parent
    return False


@event.listens_for(Session, "after_transaction_create")
def _forget_earlier_transactions(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_RECORDED, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_RECORDED, None)
    elif transaction.nested and _RECORDED in session.info:
        kept = [(w, e) for w, e in session.info[_RECORDED] if not _inside(w, transaction)]
        session.info[_RECORDED] = kept


# --- row changes -------------------------------------------------------------------------


def entity_name(obj: Base) -> str:
    return obj.__tablename__


def _entity_key(entity: Base | tuple[str, Any] | None) -> tuple[str | None, str | None]:
    if entity is None:
        return None, None
    if isinstance(entity, tuple):
        return entity[0], None if entity[1] is None else str(entity[1])
    return entity_name(entity), primary_key(entity)


def primary_key(obj: Base) -> str | None:
    identity = inspect(obj).identity
    return None if identity is None else str(identity[0])


def _is_audited(obj: object) -> bool:
    return isinstance(obj, Base) and getattr(obj, "__audited__", True)


def _secret_fields(obj: Base) -> frozenset[str]:
    return getattr(obj, "__secret_fields__", frozenset())


def snapshot(obj: Base) -> dict[str, Any]:
    """Every column of a row, secrets masked: what a deletion record keeps."""
    secrets = _secret_fields(obj)
    return {
        attr.key: MASK if attr.key in secrets else _jsonable(getattr(obj, attr.key))
        for attr in inspect(obj).mapper.column_attrs
        if attr.key != "version"
    }


def changes(obj: Base) -> tuple[dict[str, Any], dict[str, Any]]:
    """The columns a pending flush will change, before and after, secrets masked."""
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    secrets = _secret_fields(obj)
    skipped = {"version", *getattr(obj, "__unaudited_fields__", ())}
    for attr in state.mapper.column_attrs:
        if attr.key in skipped:
            continue
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        masked = attr.key in secrets
        before[attr.key] = MASK if masked and old is not None else _jsonable(old)
        after[attr.key] = MASK if masked and new is not None else _jsonable(new)
    return before, after


# A flush notes the changes it is about to write and records them once they are written.
# A flush the database refuses records nothing: its notes are dropped when the savepoint or
# the transaction it ran in rolls back, and the next flush starts with notes of its own.


@event.listens_for(Session, "before_flush")
def _collect_changes(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    pending: list[tuple[Base, str, dict[str, Any], dict[str, Any]]] = []
    session.info["audit_pending"] = pending
    for obj in list(session.new):
        if _is_audited(obj):
            pending.append((obj, "create", {}, snapshot(obj)))
    for obj in list(session.dirty):
        if _is_audited(obj) and session.is_modified(obj, include_collections=False):
            before, after = changes(obj)
            if after:
                pending.append((obj, "edit", before, after))
    for obj in list(session.deleted):
        if _is_audited(obj):
            pending.append((obj, "delete", snapshot(obj), {}))


@event.listens_for(Session, "after_flush_postexec")
def _write_change_events(session: Session, _flush: UOWTransaction) -> None:
    pending = session.info.pop("audit_pending", [])
    scope: Scope | None = session.info.get("audit_scope")
    for obj, kind, before, after in pending:
        if kind == "create":
            after = snapshot(obj)  # now inserted: with its primary key and column defaults
        key = (entity_name(obj), primary_key(obj))
        if scope is not None and (scope.entity_type, scope.entity_id) in {key, (key[0], None)}:
            scope.entity_id = key[1]
            scope.before = {**before, **scope.before}
            scope.after = {**scope.after, **after}
            continue
        action = f"{key[0]}.{kind}" if scope is None else scope.action
        actor = scope.actor if scope is not None else actor_of(session)
        reason = scope.reason if scope is not None else None
        session.add(_event(actor, action, key, before, after, reason, Outcome.SUCCESS))


@event.listens_for(Session, "after_soft_rollback")
def _drop_refused_changes(session: Session, _transaction: SessionTransaction) -> None:
    session.info.pop("audit_pending", None)
