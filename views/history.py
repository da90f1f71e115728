"""A record's History panel, loaded when opened: its audit events, newest first, as changes."""

from __future__ import annotations

from starlette.routing import Route


def routes() -> list[Route]:
    return []
