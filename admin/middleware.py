"""Request context: request id, language negotiation, htmx-aware login redirects, headers."""

from __future__ import annotations

import uuid
from collections.abc import MutableMapping
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.base import RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette_admin.security.csrf import CSRFMiddleware

from admin.i18n import _, negotiate, set_locale

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

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    out.setdefault(name, value)
                out["x-request-id"] = request_id
                location = out.get("location", "")
                if is_htmx and message["status"] in (302, 303) and "/login" in location:
                    # An expired session answers htmx with a full-page redirect, not a
                    # login form swapped into a table row.
                    message["status"] = 200
                    del out["location"]
                    out["hx-redirect"] = location
            await send(message)

        await self.app(scope, receive, send_wrapper)


class TranslatedCSRFMiddleware(CSRFMiddleware):
    """starlette-admin's CSRF check, answering in the operator's language."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await super().dispatch(request, call_next)
        if response.status_code == 403 and bytes(getattr(response, "body", b"")).startswith(
            b"CSRF"
        ):
            text = _(
                "This form has expired or did not come from this console. "
                "Reload the page and try again."
            )
            return HTMLResponse(
                f'<div class="alert alert-danger" data-testid="csrf-refused">{text}</div>',
                status_code=403,
            )
        return response
