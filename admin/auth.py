"""Operator authentication through starlette-admin's AuthProvider, with server-side sessions.

starlette-admin rolls back the request's transaction when login answers 400, which
would lose the failed-login record and the throttling counters; login, logout and
session checks therefore use a session of their own and commit it themselves.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import anyio.to_thread
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.status import HTTP_303_SEE_OTHER
from starlette_admin.auth import AdminUser, AuthProvider
from starlette_admin.exceptions import LoginFailed
from starlette_admin.helpers import index_url, safe_redirect_url

from actions import sessions
from actions.context import Actor
from admin import db as units
from admin.i18n import set_locale
from models import Operator, Role

COOKIE = "sportello_session"
log = logging.getLogger("sportello.auth")


class OperatorUser(AdminUser):
    """What the templates and views know of the signed-in operator."""

    def __init__(self, operator: Operator) -> None:
        super().__init__(username=operator.display_name)
        self.id = operator.id
        self.login = operator.username
        self.role = operator.role
        self.language = operator.language


def origin(request: Request) -> sessions.Origin:
    return sessions.Origin(
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
        request_id=getattr(request.state, "request_id", None) or uuid.uuid4().hex,
    )


def actor(request: Request) -> Actor:
    user: OperatorUser | None = getattr(request.state, "admin_user", None)
    where = origin(request)
    if user is None:
        return Actor(None, "anonymous", None, where.ip, where.user_agent, where.request_id)
    return Actor(user.id, user.login, user.role, where.ip, where.user_agent, where.request_id)


def role(request: Request) -> Role | None:
    user = getattr(request.state, "admin_user", None)
    return user.role if isinstance(user, OperatorUser) else None


def has_role(request: Request, minimum: Role) -> bool:
    current = role(request)
    return current is not None and current.at_least(minimum)


class OperatorAuthProvider(AuthProvider):
    def __init__(self, session_factory: sessionmaker[Session], *, secure_cookies: bool) -> None:
        super().__init__(login_path="/login", logout_path="/logout")
        self.session_factory = session_factory
        self.secure_cookies = secure_cookies

    async def login(
        self, username: str, password: str, remember_me: bool, request: Request
    ) -> Response | None:
        try:
            operator, token = await anyio.to_thread.run_sync(
                self._login, username, password, origin(request)
            )
        except sessions.LoginRefused as refusal:
            raise LoginFailed(refusal.translated()) from None
        request.state.admin_user = OperatorUser(operator)
        fallback = index_url(request)
        target = safe_redirect_url(request.query_params.get("next") or fallback, request, fallback)
        response = RedirectResponse(target, status_code=HTTP_303_SEE_OTHER)
        response.set_cookie(
            COOKIE,
            token,
            httponly=True,
            samesite="lax",
            secure=self.secure_cookies,
            path="/",
            max_age=int(sessions.ABSOLUTE_TIMEOUT.total_seconds()),
        )
        return response

    def _login(self, username: str, password: str, where: sessions.Origin) -> tuple[Operator, str]:
        with units.writing(), self.session_factory() as db:
            # A new session on every login: whatever the browser held before is ended.
            try:
                operator, token = sessions.login(db, username, password, where)
            except sessions.LoginRefused:
                db.commit()
                raise
            db.commit()
            return operator, token

    async def logout(self, request: Request) -> Response | None:
        token = request.cookies.get(COOKIE)
        await anyio.to_thread.run_sync(self._logout, token, origin(request))
        response = RedirectResponse(index_url(request), status_code=HTTP_303_SEE_OTHER)
        response.delete_cookie(COOKIE, path="/")
        return response

    def _logout(self, token: str | None, where: sessions.Origin) -> None:
        with units.writing(), self.session_factory() as db:
            sessions.logout(db, token, where)
            db.commit()

    async def authenticate(self, request: Request) -> AdminUser | None:
        cached = getattr(request.state, "admin_user", None)
        if isinstance(cached, OperatorUser):
            return cached
        token = request.cookies.get(COOKIE)
        if not token or request.url.path.startswith(_static_prefix(request)):
            return None
        user = await anyio.to_thread.run_sync(self._resolve, token)
        if user is None:
            return None
        if user.language and "language" not in request.cookies:
            set_locale(user.language)
        request.state.admin_user = user
        db: Any = getattr(request.state, "session", None)
        if db is not None:
            db.info["actor"] = actor(request)
        return user

    def _resolve(self, token: str) -> OperatorUser | None:
        """Read the session without waiting for any writer; write only when its activity is
        due to be recorded (once a minute) or it has just expired."""
        with units.reading(), self.session_factory() as db, db.no_autoflush:
            row = sessions.resolve(db, token)
            user = OperatorUser(row.operator) if row is not None else None
            due = bool(db.dirty)
            db.rollback()
        if due:
            self._record_activity(token)
        return user

    def _record_activity(self, token: str) -> None:
        """When the database is saturated the record waits for a later request: the session
        just read stands, and its idle timeout is thirty times longer than this interval."""
        try:
            with units.writing(), self.session_factory() as db:
                sessions.resolve(db, token)
                db.commit()
        except Exception as exc:
            if not units.saturated(exc):
                raise
            log.warning("the session's activity was not recorded, the database is busy: %s", exc)


def _static_prefix(request: Request) -> str:
    return request.scope.get("root_path", "") + "/static/"
