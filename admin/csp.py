"""Content-Security-Policy: a page runs only the console's own script files, the pinned CDN
files (htmx, Chart.js) and the inline scripts written in the templates, which carry the
response's nonce; a script that reached a page through data never runs. Images come from
the console only.

The nonce is added to every `<script` of the template sources (ours and starlette-admin's)
as they are loaded, so the library's templates need no copy. The few inline event
handlers of starlette-admin's templates are allowed by their hashes.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import secrets
from collections.abc import Iterable
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import starlette_admin
from jinja2 import Environment
from jinja2.ext import Extension

NONCE: ContextVar[str] = ContextVar("csp_nonce", default="")
SCRIPT_TAG = re.compile(r"<script(?=[\s>])", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+=\"([^\"{}]*)\"")
LIBRARY_TEMPLATES = Path(starlette_admin.__file__).parent / "templates"
TEMPLATES = Path(__file__).resolve().parent.parent / "views" / "templates"


class ScriptNonces(Extension):
    """Every `<script` written in a template gets the response's nonce."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return SCRIPT_TAG.sub('<script nonce="{{ csp_nonce() }}"', source)


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def install(env: Environment) -> None:
    """Nonces on the templates' scripts; call before the first template is loaded."""
    env.add_extension(ScriptNonces)
    env.globals["csp_nonce"] = NONCE.get
    if env.cache is not None:
        env.cache.clear()  # a template loaded before gets its nonces too


@functools.cache
def template_handler_hashes() -> tuple[str, ...]:
    return tuple(handler_hashes([TEMPLATES, LIBRARY_TEMPLATES]))


def handler_hashes(directories: Iterable[Path]) -> list[str]:
    """The hashes of the inline event handlers written in the templates."""
    found: set[str] = set()
    for directory in directories:
        for template in sorted(directory.rglob("*.html")):
            found.update(INLINE_HANDLER.findall(template.read_text(encoding="utf-8")))
    return sorted(
        "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"
        for code in found
    )


def _cdn_file(url: str) -> str | None:
    """An absolute URL as a source of exactly that file; same-origin paths are 'self'."""
    parts = urlsplit(url)
    return url.split("?", 1)[0].split("#", 1)[0] if parts.scheme and parts.netloc else None


def policy(nonce: str, settings: Any, handlers: Iterable[str] = ()) -> str:
    """The header for a response whose inline scripts carry `nonce`."""
    cdn = [
        source
        for source in (
            _cdn_file(getattr(settings, "htmx_url", "")),
            _cdn_file(getattr(settings, "chart_url", "")),
        )
        if source
    ]
    hashes = list(handlers)
    script = ["'self'", f"'nonce-{nonce}'", *(["'unsafe-hashes'", *hashes] if hashes else []), *cdn]
    return "; ".join(
        [
            "default-src 'self'",
            "script-src " + " ".join(script),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )
