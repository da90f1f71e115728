"""Operators: creation, disabling, unlocking and their own language."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actions.audit import audited
from actions.context import Actor
from actions.errors import Refused
from actions.passwords import hash_password
from actions.sessions import end_sessions
from actions.unique import refused_if_taken
from admin.i18n import LOCALES, N_
from models import Operator, Role

MIN_PASSWORD = 12


def create_operator(
    session: Session,
    actor: Actor,
    username: str,
    password: str,
    role: Role,
    display_name: str | None = None,
) -> Operator:
    username = username.strip().lower()
    with audited(session, actor, "operator.create", ("operator", None)):
        if actor.role is not None and not actor.may(Role.ADMIN):
            raise Refused(N_("Only an administrator may create operators."))
        if not username or " " in username or len(username) > 64:
            raise Refused(N_("A username is 1 to 64 characters, without spaces."), field="username")
        _refuse_a_username_taken(session, username)
        check_password(password)
        operator = Operator(
            username=username,
            display_name=display_name or username,
            password_hash=hash_password(password),
            role=role,
        )
        with refused_if_taken(session, lambda: _refuse_a_username_taken(session, username)):
            session.add(operator)
    return operator


def _refuse_a_username_taken(session: Session, username: str) -> None:
    if session.scalar(select(func.count()).where(Operator.username == username)):
        raise Refused(
            N_("The username %(username)s is taken."), field="username", username=username
        )


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Refused(
            N_("An operator password has at least %(min)s characters."),
            field="password",
            min=MIN_PASSWORD,
        )


def set_password(session: Session, actor: Actor, operator_id: int, password: str) -> Operator:
    operator = _get(session, operator_id)
    with audited(session, actor, "operator.set_password", operator):
        if (
            actor.role is not None
            and not actor.may(Role.ADMIN)
            and actor.operator_id != operator.id
        ):
            raise Refused(N_("Only an administrator may change another operator's password."))
        check_password(password)
        operator.password_hash = hash_password(password)
    return operator


def disable(
    session: Session, actor: Actor, operator_id: int, reason: str | None = None
) -> Operator:
    """Disable an operator and end their sessions on the server at once."""
    operator = _get(session, operator_id)
    with audited(session, actor, "operator.disable", operator, reason=reason) as scope:
        _require_admin(actor)
        if operator.id == actor.operator_id:
            raise Refused(N_("You cannot disable your own account."))
        operator.active = False
        scope.note(sessions_ended=end_sessions(session, operator.id, "operator disabled"))
    return operator


def enable(session: Session, actor: Actor, operator_id: int) -> Operator:
    operator = _get(session, operator_id)
    with audited(session, actor, "operator.enable", operator):
        _require_admin(actor)
        operator.active = True
    return operator


def unlock(session: Session, actor: Actor, operator_id: int) -> Operator:
    """Lift the lock set after too many failed logins."""
    operator = _get(session, operator_id)
    with audited(session, actor, "operator.unlock", operator):
        _require_admin(actor)
        if operator.locked_at is None and operator.failed_logins == 0:
            raise Refused(N_("%(username)s is not locked."), username=operator.username)
        operator.locked_at = None
        operator.failed_logins = 0
    return operator


def set_language(session: Session, actor: Actor, language: str) -> Operator:
    operator = _get(session, actor.operator_id or 0)
    with audited(session, actor, "operator.set_language", operator):
        if language not in LOCALES:
            raise Refused(N_("This language is not available."), field="language")
        operator.language = language
    return operator


def _require_admin(actor: Actor) -> None:
    if not actor.may(Role.ADMIN):
        raise Refused(N_("Only an administrator may manage operators."))


def _get(session: Session, operator_id: int) -> Operator:
    operator = session.get(Operator, operator_id)
    if operator is None:
        raise Refused(N_("This operator no longer exists."))
    return operator
