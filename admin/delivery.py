"""How the console's bytes travel: compressed, cached by the browser, and safe to compress.

- Responses are gzip-compressed when the browser accepts it (Starlette's GZipMiddleware).
- Static files (ours under /static, starlette-admin's under /admin/static) are linked with
  a `v` query naming their content (`static_file`, `versioned_static_url`): a browser keeps
  such a file for a year and never asks again; a new release links new addresses. Without
  `v` a file is revalidated on every use (`no-cache`, answered 304 when unchanged).
- The CSRF token written in a page is masked with fresh random bytes on every response
  (`mask_token`), so a compressed page never repeats the same secret next to text an
  attacker may have put in it (BREACH).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import starlette_admin
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from admin.settings import ROOT

STATIC = ROOT / "static"
ADMIN_STATIC_DIRS = (STATIC / "admin", Path(starlette_admin.__file__).parent / "static")
STATIC_PREFIXES = ("/static/", "/admin/static/")
FOR_A_YEAR = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
MASK_MARK = "~"
SIGNED_TOKEN = re.compile(r"[A-Za-z0-9_.\-]+")  # what itsdangerous's URL-safe signer writes


def middleware() -> list[Middleware]:
    """The console's outermost middleware: compression, then the static files' lifetimes."""
    return [Middleware(GZipMiddleware, minimum_size=500), Middleware(StaticLifetimes)]


class StaticLifetimes:
    """A static file answered with a `v` in its address is kept for a year; one without is
    revalidated each time."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith(STATIC_PREFIXES):
            await self.app(scope, receive, send)
            return
        versioned = any(
            part.startswith(b"v=") for part in scope.get("query_string", b"").split(b"&")
        )

        async def send_with_lifetime(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (200, 304):
                headers = MutableHeaders(scope=message)
                headers["Cache-Control"] = FOR_A_YEAR if versioned else REVALIDATE
            await send(message)

        await self.app(scope, receive, send_with_lifetime)


@cache
def _digest(path: Path, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def content_version(path: Path) -> str | None:
    """A short digest of the file's content (recomputed when the file changes)."""
    try:
        return _digest(path, path.stat().st_mtime_ns)
    except OSError:
        return None


def static_file(path: str) -> str:
    """The address of one of the console's static files (`sportello.css`), versioned."""
    version = content_version(STATIC / path)
    return f"/static/{path}?v={version}" if version else f"/static/{path}"


def versioned_static_url(static_url: Callable[..., str]) -> Callable[..., str]:
    """starlette-admin's `static_url(request, path, v)` with `v` naming the content of the
    file served (ours first, as the Admin's static mount looks for it), not a release."""

    def url(request: Request, path: str, v: Any = None) -> str:
        for directory in ADMIN_STATIC_DIRS:
            version = content_version(directory / path)
            if version:
                return static_url(request, path, version)
        return static_url(request, path, v)

    return url


def mask_token(token: str) -> str:
    """`token` xor fresh random bytes, with the bytes: a different text on every page."""
    raw = token.encode()
    pad = secrets.token_bytes(len(raw))
    masked = bytes(a ^ b for a, b in zip(raw, pad, strict=True))
    return MASK_MARK + _b64(pad) + MASK_MARK + _b64(masked)


def unmask_token(value: str) -> str:
    """The token a masked value carries; an unmasked value (read from the cookie by
    starlette-admin's scripts) as it is; "" for a malformed one."""
    if not value.startswith(MASK_MARK):
        return value
    try:
        _empty, pad_text, masked_text = value.split(MASK_MARK)
        pad, masked = _unb64(pad_text), _unb64(masked_text)
        if len(pad) != len(masked):
            return ""
        token = bytes(a ^ b for a, b in zip(pad, masked, strict=True)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return ""
    return token if SIGNED_TOKEN.fullmatch(token) else ""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
