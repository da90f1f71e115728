"""Request context: request id, language negotiation, htmx-aware login redirects, headers,
whether the request's unit of work reads or writes, and a 503 when the database is saturated;
the CSRF check bound to the login session."""

from __future__ import annotations

import contextlib
import hmac
import logging
import secrets
import uuid
from collections.abc import MutableMapping
from typing import Any

from itsdangerous import BadSignature
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.base import RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette_admin.security.csrf import CSRFMiddleware

from admin import csp, db, delivery, errors
from admin.auth import COOKIE
from admin.i18n import _, negotiate, set_locale

log = logging.getLogger("sportello.errors")

STATIC_PATHS = ("/static/", "/admin/statics/")
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        request_id = (headers.get("x-request-id") or uuid.uuid4().hex)[:64]
        state: MutableMapping[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        if "language=" not in headers.get("cookie", ""):
            locale = negotiate(headers.get("accept-language"))
            if locale:
                set_locale(locale)
        is_htmx = headers.get("hx-request") == "true"
        nonce = state.setdefault("csp_nonce", csp.new_nonce())  # one for the mounted admin too
        csp.NONCE.set(nonce)
        app_state = getattr(scope.get("app"), "state", None)
        settings = getattr(app_state, "settings", None)
        started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                out = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    out.setdefault(name, value)
                out["x-request-id"] = request_id
                out.setdefault(
                    "content-security-policy",
                    csp.policy(nonce, settings, csp.template_handler_hashes()),
                )
                location = out.get("location", "")
                if is_htmx and message["status"] in (302, 303) and "/login" in location:
                    # An expired session answers htmx with a full-page redirect, not a
                    # login form swapped into a table row.
                    message["status"] = 200
                    del out["location"]
                    out["hx-redirect"] = location
            await send(message)

        # The outer application's context takes the request's turn; the admin's inside it
        # finds it taken (see admin.slots). Static files need none.
        slots = None if state.get("slot_held") else getattr(app_state, "request_slots", None)
        if slots is not None and not scope["path"].startswith(STATIC_PATHS):
            state["slot_held"] = True
            turn: contextlib.AbstractAsyncContextManager[None] = slots.held()
        else:
            turn = contextlib.nullcontext()
        # A safe method reads: its transactions never wait for a writer (see admin.db).
        with db.unit_for(scope["method"]):
            try:
                async with turn:
                    await self.app(scope, receive, send_wrapper)
            except Exception as exc:
                if not db.saturated(exc):
                    raise
                if started:  # the error page already answered 503
                    log.warning("request %s: the database is saturated: %s", request_id, exc)
                    return
                response = errors.saturated(Request(scope, receive), exc)
                await response(scope, receive, send_wrapper)


class TranslatedCSRFMiddleware(CSRFMiddleware):
    """starlette-admin's double-submit CSRF check, with the token bound to the login session
    it was issued for and replaced whenever that session changes (login, logout): a token
    from before the login, or from another operator's session, is refused. Refusals answer
    in the operator's language."""

    def __init__(self, app: ASGIApp, secret_key: str) -> None:
        super().__init__(app, secret_key)
        self._binding_key = secret_key.encode()

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        binding = self._binding(request.cookies.get(COOKIE))
        held = self._load(request.cookies.get(self.cookie_name))
        issue = held is None or not hmac.compare_digest(held[1], binding)
        token = secrets.token_hex(32) if issue or held is None else held[0]
        request.state.csrf_token = delivery.mask_token(self._signer.dumps([token, binding]))
        if request.method not in self.safe_methods:
            submitted = self._load(
                delivery.unmask_token(await self._get_submitted_token(request) or "")
            )
            if (
                issue
                or submitted is None
                or not hmac.compare_digest(submitted[0], token)
                or not hmac.compare_digest(submitted[1], binding)
            ):
                response: Response = self._refused()
                self._set(request, response, token, binding)
                return response
        response = await call_next(request)
        session_now = _session_cookie_set(response)
        if session_now is not None:  # logged in or out: a new token for the new session
            token, binding, issue = secrets.token_hex(32), self._binding(session_now), True
        if issue:
            self._set(request, response, token, binding)
        return response

    def _binding(self, session_token: str | None) -> str:
        """What ties a token to a login session, without revealing the session's token."""
        if not session_token:
            return ""
        return hmac.new(self._binding_key, session_token.encode(), "sha256").hexdigest()[:32]

    def _load(self, signed: str | None) -> tuple[str, str] | None:
        if not signed:
            return None
        try:
            value = self._signer.loads(signed)
        except BadSignature:
            return None
        if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
            return value[0], value[1]
        return None

    def _set(self, request: Request, response: Response, token: str, binding: str) -> None:
        response.set_cookie(
            self.cookie_name,
            self._signer.dumps([token, binding]),
            httponly=False,  # starlette-admin's scripts read it to send the X-CSRFToken header
            samesite="lax",
            secure=request.url.scheme == "https",
        )

    @staticmethod
    def _refused() -> Response:
        text = _(
            "This form has expired or did not come from this console. "
            "Reload the page and try again."
        )
        return HTMLResponse(
            f'<div class="alert alert-danger" data-testid="csrf-refused">{text}</div>',
            status_code=403,
        )


def _session_cookie_set(response: Response) -> str | None:
    """The login session cookie this response sets ("" when it ends it), if it sets one."""
    for header in response.headers.getlist("set-cookie"):
        name, _sep, rest = header.partition("=")
        if name.strip() == COOKIE:
            return rest.split(";", 1)[0].strip().strip('"')
    return None
